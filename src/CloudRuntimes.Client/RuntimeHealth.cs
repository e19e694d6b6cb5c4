namespace CloudRuntimes.Client;

/// <summary>What the runtime's health API answered (<see cref="CloudRuntimesClient.GetHealthAsync"/>).</summary>
/// <param name="IsHealthy">True on <c>204 No Content</c>.</param>
/// <param name="StatusCode">The HTTP status; null when the runtime could not be reached.</param>
/// <param name="Description">What was answered, or why there was no answer.</param>
public sealed record RuntimeHealth(bool IsHealthy, int? StatusCode, string Description);
