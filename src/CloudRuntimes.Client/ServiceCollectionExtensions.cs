using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;

namespace CloudRuntimes.Client;

/// <summary>Options of <see cref="ServiceCollectionExtensions.AddCloudRuntimesClient"/>.</summary>
public sealed class CloudRuntimesClientOptions
{
    /// <summary>Runtime base address; null for <see cref="CloudRuntimesClient.DefaultEndpoint"/>.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The runtime's gRPC API (streaming subscriptions); null for <see cref="CloudRuntimesClient.DefaultGrpcEndpoint"/>.</summary>
    public Uri? GrpcEndpoint { get; set; }

    /// <summary>API token; null for <c>DAPR_API_TOKEN</c>.</summary>
    public string? ApiToken { get; set; }

    /// <summary>Per-attempt timeout (default 30 s).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Dependency-injection registration of <see cref="CloudRuntimesClient"/>.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="CloudRuntimesClient"/> over <c>IHttpClientFactory</c> with the standard resilience handler
    /// (Microsoft.Extensions.Http.Resilience): retries with backoff for transient failures of safe methods only
    /// (GET, HEAD, ...; a publish or save is never sent twice by the client), a circuit breaker and timeouts.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the endpoint, token and timeout; null for defaults.</param>
    /// <returns>The HTTP client builder, for further configuration.</returns>
    public static IHttpClientBuilder AddCloudRuntimesClient(this IServiceCollection services, Action<CloudRuntimesClientOptions>? configure = null)
    {
        var options = new CloudRuntimesClientOptions();
        configure?.Invoke(options);
        var builder = services.AddHttpClient<CloudRuntimesClient>(http =>
            {
                http.BaseAddress = options.Endpoint ?? CloudRuntimesClient.DefaultEndpoint();
                http.Timeout = System.Threading.Timeout.InfiniteTimeSpan;
            })
            .AddTypedClient((http, _) => new CloudRuntimesClient(http, options.ApiToken, options.GrpcEndpoint));
        builder.AddStandardResilienceHandler(resilience =>
        {
            resilience.AttemptTimeout.Timeout = options.Timeout;
            resilience.TotalRequestTimeout.Timeout = options.Timeout * 3;
            resilience.CircuitBreaker.SamplingDuration = options.Timeout * 2;
            resilience.Retry.DisableForUnsafeHttpMethods();
        });
        return builder;
    }
}
