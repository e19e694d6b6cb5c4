using System.Net;

namespace CloudRuntimes.Client;

/// <summary>
/// The client applications use to reach their runtime. It speaks Dapr's HTTP API v1.0, so it works against the Cloud
/// Runtimes server and against a Dapr sidecar alike (the <c>/v1.0-alpha1/files</c> and <c>/database</c> routes exist only
/// on Cloud Runtimes); streaming subscriptions (<see cref="PubSubClient.SubscribeAsync"/>), which Dapr serves over gRPC
/// only, use the runtime's gRPC API at <see cref="GrpcEndpoint"/>. Each building block is a property; most calls have an
/// async form and a synchronous counterpart that blocks.
/// </summary>
public sealed class CloudRuntimesClient : IDisposable, IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttpClient;
    private readonly ApiTransport _api;
    private readonly GrpcTransport _grpc;

    /// <summary>Creates a client with its own <see cref="HttpClient"/>.</summary>
    /// <param name="endpoint">Runtime base address; default <c>DAPR_HTTP_ENDPOINT</c>, else <c>http://localhost:{DAPR_HTTP_PORT or 3500}</c>.</param>
    /// <param name="timeout">Per-request timeout; default 30 s.</param>
    /// <param name="apiToken">API token sent as <c>dapr-api-token</c>; default <c>DAPR_API_TOKEN</c>.</param>
    /// <param name="grpcEndpoint">The runtime's gRPC API (streaming subscriptions); default <see cref="DefaultGrpcEndpoint"/>.</param>
    public CloudRuntimesClient(Uri? endpoint = null, TimeSpan? timeout = null, string? apiToken = null, Uri? grpcEndpoint = null)
        : this(new HttpClient { BaseAddress = endpoint ?? DefaultEndpoint(), Timeout = timeout ?? TimeSpan.FromSeconds(30) }, apiToken, grpcEndpoint, ownsHttpClient: true)
    {
    }

    /// <summary>Creates a client over a configured <see cref="HttpClient"/> (e.g. from <c>IHttpClientFactory</c>).</summary>
    /// <param name="httpClient">An HTTP client whose <see cref="HttpClient.BaseAddress"/> is the runtime; null base address uses the default endpoint.</param>
    /// <param name="apiToken">API token sent as <c>dapr-api-token</c>; default <c>DAPR_API_TOKEN</c>.</param>
    /// <param name="grpcEndpoint">The runtime's gRPC API (streaming subscriptions); default <see cref="DefaultGrpcEndpoint"/>.</param>
    public CloudRuntimesClient(HttpClient httpClient, string? apiToken = null, Uri? grpcEndpoint = null)
        : this(httpClient, apiToken, grpcEndpoint, ownsHttpClient: false)
    {
    }

    private CloudRuntimesClient(HttpClient httpClient, string? apiToken, Uri? grpcEndpoint, bool ownsHttpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        _http = httpClient;
        _http.BaseAddress ??= DefaultEndpoint();
        _ownsHttpClient = ownsHttpClient;
        var token = apiToken ?? (Environment.GetEnvironmentVariable("DAPR_API_TOKEN") is { Length: > 0 } fromEnvironment ? fromEnvironment : null);
        var api = new ApiTransport(httpClient, token);
        _grpc = new GrpcTransport(grpcEndpoint ?? DefaultGrpcEndpoint(), token);
        Invocation = new InvocationClient(api);
        State = new StateClient(api);
        PubSub = new PubSubClient(api, _grpc);
        Configuration = new ConfigurationClient(api);
        Secrets = new SecretsClient(api);
        Bindings = new BindingsClient(api);
        Lock = new LockClient(api);
        Jobs = new JobsClient(api);
        File = new FileClient(api);
        Database = new DatabaseClient(api);
        _api = api;
    }

    /// <summary>The runtime's base address.</summary>
    public Uri Endpoint => _http.BaseAddress!;

    /// <summary>The runtime's gRPC API (HTTP/2 cleartext), used by streaming subscriptions.</summary>
    public Uri GrpcEndpoint => _grpc.Endpoint;

    /// <summary>Service invocation.</summary>
    public InvocationClient Invocation { get; }

    /// <summary>State management.</summary>
    public StateClient State { get; }

    /// <summary>Publish/subscribe.</summary>
    public PubSubClient PubSub { get; }

    /// <summary>Configuration.</summary>
    public ConfigurationClient Configuration { get; }

    /// <summary>Secrets.</summary>
    public SecretsClient Secrets { get; }

    /// <summary>Output bindings.</summary>
    public BindingsClient Bindings { get; }

    /// <summary>Distributed lock.</summary>
    public LockClient Lock { get; }

    /// <summary>Scheduled jobs.</summary>
    public JobsClient Jobs { get; }

    /// <summary>Files (Cloud Runtimes extension).</summary>
    public FileClient File { get; }

    /// <summary>Database (Cloud Runtimes extension).</summary>
    public DatabaseClient Database { get; }

    /// <summary>The default endpoint: <c>DAPR_HTTP_ENDPOINT</c>, else <c>http://localhost:{DAPR_HTTP_PORT or 3500}</c>.</summary>
    /// <returns>The endpoint.</returns>
    public static Uri DefaultEndpoint()
    {
        if (Environment.GetEnvironmentVariable("DAPR_HTTP_ENDPOINT") is { Length: > 0 } endpoint)
        {
            return new Uri(endpoint.EndsWith('/') ? endpoint : endpoint + "/");
        }
        var port = Environment.GetEnvironmentVariable("DAPR_HTTP_PORT") is { Length: > 0 } text ? text : "3500";
        return new Uri($"http://localhost:{port}/");
    }

    /// <summary>The default gRPC endpoint: <c>DAPR_GRPC_ENDPOINT</c>, else <c>http://localhost:{DAPR_GRPC_PORT or 50001}</c> (as Dapr's SDKs).</summary>
    /// <returns>The endpoint.</returns>
    public static Uri DefaultGrpcEndpoint()
    {
        if (Environment.GetEnvironmentVariable("DAPR_GRPC_ENDPOINT") is { Length: > 0 } endpoint)
        {
            return new Uri(endpoint);
        }
        var port = Environment.GetEnvironmentVariable("DAPR_GRPC_PORT") is { Length: > 0 } text ? text : "50001";
        return new Uri($"http://localhost:{port}");
    }

    /// <summary>True when the runtime answers <c>/v1.0/healthz</c> with 204.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether the runtime is healthy.</returns>
    public async Task<bool> CheckHealthAsync(CancellationToken cancellationToken = default) =>
        (await GetHealthAsync(cancellationToken).ConfigureAwait(false)).IsHealthy;

    /// <summary>Asks <c>/v1.0/healthz</c> (Dapr's health API) and says why the runtime is not healthy when it is not.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Healthy on 204; otherwise the status and the runtime's error (e.g. <c>ERR_HEALTH_NOT_READY</c>), or why it cannot be reached.</returns>
    public async Task<RuntimeHealth> GetHealthAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await _api.SendAsync(HttpMethod.Get, "v1.0/healthz", null, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NoContent)
            {
                return new RuntimeHealth(true, 204, $"the runtime at {Endpoint} is healthy");
            }
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return new RuntimeHealth(false, (int)response.StatusCode, $"the runtime at {Endpoint} answered {(int)response.StatusCode}: {(body.Length > 500 ? body[..500] : body)}");
        }
        catch (CloudRuntimesException e)
        {
            return new RuntimeHealth(false, null, e.Message);
        }
    }

    /// <summary>Waits until <c>/v1.0/healthz/outbound</c> answers, polling every 100 ms.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>A task that completes when the runtime is up.</returns>
    /// <exception cref="TimeoutException">The runtime did not come up in time.</exception>
    public async Task WaitForRuntimeAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var response = await _api.SendAsync(HttpMethod.Get, "v1.0/healthz/outbound", null, cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (CloudRuntimesException)
            {
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the runtime at {Endpoint} did not become healthy within {timeout}");
            }
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The runtime's metadata (<c>/v1.0/metadata</c>) as JSON.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The metadata document.</returns>
    public async Task<System.Text.Json.Nodes.JsonObject> GetMetadataAsync(CancellationToken cancellationToken = default)
    {
        using var response = await _api.SendCheckedAsync(HttpMethod.Get, "v1.0/metadata", null, cancellationToken).ConfigureAwait(false);
        return System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)) as System.Text.Json.Nodes.JsonObject ?? [];
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _grpc.Dispose();
        if (_ownsHttpClient)
        {
            _http.Dispose();
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
