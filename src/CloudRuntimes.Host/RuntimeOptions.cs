namespace CloudRuntimes.Host;

/// <summary>Options of <c>cloud-runtimes run</c>; flag names follow <c>daprd</c> where it has a counterpart.</summary>
public sealed record RuntimeOptions
{
    /// <summary>The application id (<c>--app-id</c>).</summary>
    public string AppId { get; init; } = "app";

    /// <summary>HTTP port of the API (<c>--dapr-http-port</c> / <c>--port</c>); default 3500; 0 picks a free port.</summary>
    public int Port { get; init; } = 3500;

    /// <summary>
    /// Port of the gRPC API, <c>dapr.proto.runtime.v1.Dapr</c> over HTTP/2 cleartext (<c>--dapr-grpc-port</c>, Dapr's flag);
    /// default 50001; 0 picks a free port (logged, and listed in the metadata API under <c>runtimePorts</c>).
    /// </summary>
    public int GrpcPort { get; init; } = 50001;

    /// <summary>Address to listen on (<c>--listen-address</c>); default 127.0.0.1.</summary>
    public string ListenAddress { get; init; } = "127.0.0.1";

    /// <summary>The app's HTTP port (<c>--app-port</c>); null when there is no app.</summary>
    public int? AppPort { get; init; }

    /// <summary>
    /// How the runtime calls the app (<c>--app-protocol</c>, Dapr's flag): <see cref="AppProtocol.Http"/> (Dapr's app routes,
    /// the default) or <see cref="AppProtocol.Grpc"/> (the app serves <c>dapr.proto.runtime.v1.AppCallback</c> over HTTP/2
    /// cleartext on <see cref="AppPort"/>).
    /// </summary>
    public AppProtocol AppProtocol { get; init; } = AppProtocol.Http;

    /// <summary>The app's host (<c>--app-channel-address</c>); default 127.0.0.1.</summary>
    public string AppAddress { get; init; } = "127.0.0.1";

    /// <summary>Most requests the runtime has in flight to the app at once (<c>--app-max-concurrency</c>, as Dapr); null for no limit.</summary>
    public int? AppMaxConcurrency { get; init; }

    /// <summary>Directory of Dapr component YAML files (<c>--resources-path</c> / <c>--components-path</c>); null for the embedded defaults.</summary>
    public string? ComponentsPath { get; init; }

    /// <summary>Directory for embedded back ends (<c>--data</c>); default <c>./.cloud-runtimes</c>.</summary>
    public string DataDirectory { get; init; } = ".cloud-runtimes";

    /// <summary>
    /// A rototo workspace source served as the configuration store <c>config</c> (<c>--config-source</c>); with neither
    /// this nor a components path, the example workspace shipped beside the server (<c>examples/storefront</c>).
    /// </summary>
    public string? ConfigSource { get; init; }

    /// <summary>
    /// Origins whose browser requests the server accepts besides its own (<c>--allowed-origins</c>, Dapr's flag, comma
    /// separated, e.g. <c>https://app.example:8443</c>; <c>*</c> for any). Default: none, so a web page from elsewhere
    /// cannot drive the API. Allowed origins also get CORS answers to their preflight requests.
    /// </summary>
    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];

    /// <summary>API token every request must carry in <c>dapr-api-token</c> (env <c>DAPR_API_TOKEN</c>); null for none.</summary>
    public string? ApiToken { get; init; }

    /// <summary>Token sent to the app in <c>dapr-api-token</c> (env <c>APP_API_TOKEN</c>); null for none.</summary>
    public string? AppToken { get; init; }

    /// <summary>The limits every entry point applies (request bodies, metadata, SQL).</summary>
    public RuntimeLimits Limits { get; init; } = new();

    /// <summary>A folder of VTX plugins (<c>*.wasm</c>, <c>*.vtx</c>) served under their entrypoints (<c>--plugins</c>); null for none.</summary>
    public string? PluginsPath { get; init; }

    /// <summary>Require every API request (all but the health checks) to pass the plugins' <c>authenticate</c> chain (<c>--plugin-auth</c>).</summary>
    public bool PluginAuth { get; init; }

    /// <summary>The database component whose SQLite file backs the plugins' <c>sql</c> import; default <c>database</c>.</summary>
    public string PluginDatabase { get; init; } = "database";

    /// <summary>The file component behind the plugins' <c>stream-io.open-file</c>; default <c>files</c>.</summary>
    public string PluginFiles { get; init; } = "files";

    /// <summary>Least severe log level of the runtime's own logs (<c>--log-level</c>: debug, info, warn, error); default info.</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    /// <summary>Write logs as one JSON object per line (<c>--log-as-json</c>, as daprd).</summary>
    public bool LogAsJson { get; init; }

    /// <summary>
    /// Serve the metrics in Prometheus' text format at <c>/metrics</c> on the API port (<c>--prometheus-metrics</c>;
    /// default off), through the request policy like every route: loopback <c>Host</c>, allowed origins, and the API
    /// token when one is set.
    /// </summary>
    public bool PrometheusMetrics { get; init; }

    /// <summary>
    /// A Dapr configuration file (<c>--config</c>, <c>kind: Configuration</c>); its <c>spec.nameResolution</c> turns on
    /// name resolution and runtime-to-runtime invocation (see docs/scale-out.md). Null for none.
    /// </summary>
    public string? ConfigFile { get; init; }

    /// <summary>
    /// Serve the dashboard at <c>/dashboard</c> (<c>--dashboard</c>, default on; <c>--dashboard=false</c> turns it off):
    /// pages and their JSON API behind the same request policy and API token as the API.
    /// </summary>
    public bool Dashboard { get; init; } = true;

    /// <summary>Other apps' base URLs for service invocation (<c>--app-endpoint ID=URL</c>, repeatable).</summary>
    public IReadOnlyDictionary<string, Uri> AppEndpoints { get; init; } = new Dictionary<string, Uri>();
}

/// <summary>The protocol of the app channel (<c>--app-protocol</c>).</summary>
public enum AppProtocol
{
    /// <summary>HTTP: Dapr's app routes (<c>/dapr/subscribe</c>, event routes, <c>/{binding}</c>, <c>/job/{name}</c>, invocation paths).</summary>
    Http,

    /// <summary>gRPC: the app serves <c>dapr.proto.runtime.v1.AppCallback</c> (and optionally <c>AppCallbackHealthCheck</c>).</summary>
    Grpc,
}
