using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Rototo.Refresh;

namespace Rototo.Extensions.Hosting;

/// <summary>
/// The health of the hosted, refreshing workspace (<see cref="RototoHealthChecksBuilderExtensions.AddRototo"/>):
/// <list type="bullet">
/// <item><description><b>Healthy</b>: loaded, and the last refresh succeeded (or found the source unchanged).</description></item>
/// <item><description><b>Degraded</b>: the last refresh failed (the description gives the failure count and the error)
/// or the last success is older than <see cref="RototoHostingOptions.MaxStaleness"/>, while the last good workspace is
/// still served.</description></item>
/// <item><description><b>Unhealthy</b> (or the registration's failure status): not loaded yet, or shut down.</description></item>
/// </list>
/// Data: <c>source</c>, <c>fingerprint</c>, <c>lastSuccess</c>, <c>lastAttempt</c> (ISO 8601), <c>consecutiveFailures</c>,
/// <c>lastError</c>.
/// </summary>
/// <param name="service">The hosted workspace.</param>
public sealed class RototoHealthCheck(RototoWorkspaceService service) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var failure = context.Registration.FailureStatus;
        return Task.FromResult(service.TryGetWorkspace(out var workspace)
            ? Check(workspace, service.Options?.MaxStaleness ?? workspace.Options.MaxStaleness, failure)
            : new HealthCheckResult(failure, $"rototo workspace {service.Source} is not loaded yet"));
    }

    /// <summary>
    /// The health of a loaded workspace, as described on the class (also used by the runtime's <c>configuration.rototo</c>
    /// component): healthy, degraded after a failed refresh or past <paramref name="maxStaleness"/>, or
    /// <paramref name="failureStatus"/> once shut down.
    /// </summary>
    /// <param name="workspace">The workspace.</param>
    /// <param name="maxStaleness">How old the last success may be; null for any age.</param>
    /// <param name="failureStatus">The status of a workspace that has been shut down.</param>
    /// <returns>The result, with the data listed on the class.</returns>
    public static HealthCheckResult Check(RefreshingWorkspace workspace, TimeSpan? maxStaleness, HealthStatus failureStatus)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        RefreshStatus status;
        try
        {
            _ = workspace.Current;
            status = workspace.GetStatus();
        }
        catch (RototoException e)
        {
            return new HealthCheckResult(failureStatus, $"rototo workspace {workspace.Source}: {e.Message}");
        }
        var data = new Dictionary<string, object>
        {
            ["source"] = workspace.Source,
            ["fingerprint"] = status.CurrentFingerprint?.ToString() ?? "",
            ["lastSuccess"] = Timestamp(status.LastSuccess),
            ["lastAttempt"] = Timestamp(status.LastAttempt),
            ["consecutiveFailures"] = status.ConsecutiveFailures,
            ["lastError"] = status.LastError ?? "",
        };
        var serving = $"rototo workspace {workspace.Source} serves the version loaded at {Timestamp(status.LastSuccess)}";
        if (status.LastError is { } error)
        {
            return HealthCheckResult.Degraded($"{serving}; the last {status.ConsecutiveFailures} refresh(es) failed: {error}", data: data);
        }
        if (maxStaleness is { } allowed && status.IsStale(allowed))
        {
            return HealthCheckResult.Degraded($"{serving}, older than the allowed {allowed}", data: data);
        }
        return HealthCheckResult.Healthy(serving, data);
    }

    private static string Timestamp(DateTimeOffset? time) => time?.ToString("O", CultureInfo.InvariantCulture) ?? "";
}

/// <summary>Registers <see cref="RototoHealthCheck"/>.</summary>
public static class RototoHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds the health check of the workspace registered by <c>services.AddRototo(...)</c>, for <c>MapHealthChecks</c>.
    /// </summary>
    /// <param name="builder">The health checks builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="name">The check's name; default <c>rototo</c>.</param>
    /// <param name="failureStatus">Reported before the first load and after shutdown; default <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter checks by (e.g. <c>ready</c>).</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddRototo(this IHealthChecksBuilder builder, string name = "rototo", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(
            name,
            provider => new RototoHealthCheck(provider.GetRequiredService<RototoWorkspaceService>()),
            failureStatus,
            tags));
    }
}
