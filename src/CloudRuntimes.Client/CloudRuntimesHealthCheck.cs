using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CloudRuntimes.Client;

/// <summary>
/// The runtime server (or Dapr sidecar) as <see cref="CloudRuntimesClient"/> sees it: healthy when <c>/v1.0/healthz</c>
/// answers 204; otherwise the registration's failure status with the answer (<c>ERR_HEALTH_NOT_READY</c> while the app
/// channel is not up) or why the runtime cannot be reached. One request, without the retries of the application's
/// client, so the check tells the state of the moment within its timeout. Data: <c>endpoint</c>, <c>status</c> (the
/// HTTP status, 0 when unreachable).
/// </summary>
/// <param name="client">The client.</param>
public sealed class CloudRuntimesHealthCheck(CloudRuntimesClient client) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var health = await client.GetHealthAsync(cancellationToken).ConfigureAwait(false);
        var data = new Dictionary<string, object> { ["endpoint"] = client.Endpoint.ToString(), ["status"] = health.StatusCode ?? 0 };
        return new HealthCheckResult(health.IsHealthy ? HealthStatus.Healthy : context.Registration.FailureStatus, health.Description, data: data);
    }
}

/// <summary>Registers <see cref="CloudRuntimesHealthCheck"/>.</summary>
public static class CloudRuntimesHealthChecksBuilderExtensions
{
    /// <summary>The name of the <c>IHttpClientFactory</c> client the check sends its request with (no resilience handler).</summary>
    public const string HttpClientName = "CloudRuntimes.HealthCheck";

    /// <summary>Adds the health check of the runtime registered with <c>services.AddCloudRuntimesClient(...)</c> (its endpoint and token), for <c>MapHealthChecks</c>.</summary>
    /// <param name="builder">The health checks builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="name">The check's name; default <c>cloud-runtimes</c>.</param>
    /// <param name="failureStatus">Reported when the runtime is not healthy; default <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter checks by.</param>
    /// <param name="timeout">Longest the check (one request) may take; default 10 s.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddCloudRuntimesHealthCheck(this IHealthChecksBuilder builder, string name = "cloud-runtimes", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        builder.Services.AddHttpClient(HttpClientName, (provider, http) =>
        {
            http.BaseAddress = ServiceCollectionExtensions.Settings(provider).Endpoint ?? CloudRuntimesClient.DefaultEndpoint();
            http.Timeout = limit;
        });
        return builder.Add(new HealthCheckRegistration(
            name,
            provider => new CloudRuntimesHealthCheck(ServiceCollectionExtensions.Create(provider.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName), provider)),
            failureStatus,
            tags,
            limit));
    }
}
