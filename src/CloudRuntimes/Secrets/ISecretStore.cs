namespace CloudRuntimes.Secrets;

/// <summary>A secret store (Dapr secrets API, <c>/v1.0/secrets/{store}/{name}</c>). A secret is a map of keys to values.</summary>
public interface ISecretStore
{
    /// <summary>Reads one secret.</summary>
    /// <param name="name">The secret name (nested keys joined with the store's separator).</param>
    /// <param name="metadata">Request metadata.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The secret's key/value map, or null when there is no such secret.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.SecretGet"/> on back-end failure.</exception>
    Task<IReadOnlyDictionary<string, string>?> GetAsync(string name, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default);

    /// <summary>Reads every secret.</summary>
    /// <param name="metadata">Request metadata.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Secrets by name.</returns>
    Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> GetBulkAsync(IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default);
}
