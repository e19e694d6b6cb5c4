using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace CloudRuntimes.Client;

/// <summary>
/// Options of <see cref="ServiceCollectionExtensions.AddCloudRuntimesClient(IServiceCollection, Action{CloudRuntimesClientOptions}?)"/>,
/// set in code or bound from a configuration section (<c>"CloudRuntimes": {"Client": {"Endpoint": "http://127.0.0.1:3500",
/// "Timeout": "00:00:10"}}</c>); checked when the host starts.
/// </summary>
public sealed class CloudRuntimesClientOptions
{
    /// <summary>Runtime base address (absolute <c>http</c> or <c>https</c>); null for <see cref="CloudRuntimesClient.DefaultEndpoint"/>.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The runtime's gRPC API (streaming subscriptions); null for <see cref="CloudRuntimesClient.DefaultGrpcEndpoint"/>.</summary>
    public Uri? GrpcEndpoint { get; set; }

    /// <summary>API token; null for <c>DAPR_API_TOKEN</c>.</summary>
    public string? ApiToken { get; set; }

    /// <summary>Per-attempt timeout (default 30 s); the whole call, retries included, may take three times as long.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Checks <see cref="CloudRuntimesClientOptions"/> at host start; each failure names its key (<c>CloudRuntimes:Client:Endpoint</c>, or <c>CloudRuntimesClientOptions.Endpoint</c> when code set it).</summary>
/// <param name="sectionPath">The configuration section the options were bound from; null when code set them.</param>
public sealed class CloudRuntimesClientOptionsValidator(string? sectionPath) : IValidateOptions<CloudRuntimesClientOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, CloudRuntimesClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Endpoint is { } endpoint && (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)))
        {
            failures.Add($"{Key("Endpoint")} must be an absolute http:// or https:// address, got '{endpoint.OriginalString}'");
        }
        if (options.Timeout <= TimeSpan.Zero)
        {
            failures.Add($"{Key("Timeout")} must be a positive duration (hh:mm:ss), got {options.Timeout}");
        }
        if (options.ApiToken is { } token && token.Any(char.IsControl))
        {
            failures.Add($"{Key("ApiToken")} must not contain control characters");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private string Key(string property) => string.IsNullOrEmpty(sectionPath) ? $"{nameof(CloudRuntimesClientOptions)}.{property}" : $"{sectionPath}:{property}";
}

/// <summary>Dependency-injection registration of <see cref="CloudRuntimesClient"/>.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="CloudRuntimesClient"/> over <c>IHttpClientFactory</c> with the standard resilience handler
    /// (Microsoft.Extensions.Http.Resilience): retries with backoff for transient failures of safe methods only
    /// (GET, HEAD, ...; a publish or save is never sent twice by the client), a circuit breaker and timeouts. The options
    /// are checked when the host starts (<c>ValidateOnStart</c>).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the endpoint, token and timeout; null for defaults.</param>
    /// <returns>The HTTP client builder, for further configuration.</returns>
    public static IHttpClientBuilder AddCloudRuntimesClient(this IServiceCollection services, Action<CloudRuntimesClientOptions>? configure = null) =>
        Add(services, options => options.Configure(o => configure?.Invoke(o)), null);

    /// <summary>
    /// As <see cref="AddCloudRuntimesClient(IServiceCollection, Action{CloudRuntimesClientOptions}?)"/>, with the options
    /// bound from a configuration section (e.g. <c>builder.Configuration.GetSection("CloudRuntimes:Client")</c>); a value
    /// that does not convert or validate fails the host start with a message naming its key.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The configuration section.</param>
    /// <returns>The HTTP client builder, for further configuration.</returns>
    public static IHttpClientBuilder AddCloudRuntimesClient(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return Add(services, options => options.Bind(section), (section as IConfigurationSection)?.Path ?? "");
    }

    private static IHttpClientBuilder Add(IServiceCollection services, Action<OptionsBuilder<CloudRuntimesClientOptions>> bind, string? sectionPath)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<CloudRuntimesClientOptions>();
        bind(options);
        options.ValidateOnStart();
        services.AddSingleton<IValidateOptions<CloudRuntimesClientOptions>>(new CloudRuntimesClientOptionsValidator(sectionPath));
        var builder = services.AddHttpClient<CloudRuntimesClient>((provider, http) =>
            {
                http.BaseAddress = Settings(provider).Endpoint ?? CloudRuntimesClient.DefaultEndpoint();
                http.Timeout = System.Threading.Timeout.InfiniteTimeSpan;
            })
            .AddTypedClient((http, provider) => Create(http, provider));
        builder.AddStandardResilienceHandler().Configure((resilience, provider) =>
        {
            if (ValidSettings(provider) is not { } settings)
            {
                return; // invalid options fail the host start by themselves (ValidateOnStart), reported once
            }
            var timeout = settings.Timeout;
            resilience.AttemptTimeout.Timeout = timeout;
            resilience.TotalRequestTimeout.Timeout = timeout * 3;
            resilience.CircuitBreaker.SamplingDuration = timeout * 2;
            resilience.Retry.DisableForUnsafeHttpMethods();
        });
        return builder;
    }

    /// <summary>A client over <paramref name="http"/> with the registered token.</summary>
    internal static CloudRuntimesClient Create(HttpClient http, IServiceProvider provider) => new(http, Settings(provider).ApiToken, Settings(provider).GrpcEndpoint);

    private static CloudRuntimesClientOptions? ValidSettings(IServiceProvider provider)
    {
        try
        {
            return Settings(provider);
        }
        catch (OptionsValidationException)
        {
            return null;
        }
    }

    /// <summary>The registered options.</summary>
    internal static CloudRuntimesClientOptions Settings(IServiceProvider provider) => provider.GetRequiredService<IOptions<CloudRuntimesClientOptions>>().Value;
}
