using System.CommandLine;
using CloudRuntimes;
using CloudRuntimes.Host;
using CloudRuntimes.Host.Hosting;

var appId = new Option<string>("--app-id") { Description = "The application id", DefaultValueFactory = _ => "app" };
var port = new Option<int>("--port", "--dapr-http-port") { Description = "HTTP port of the API (0 = any free port)", DefaultValueFactory = _ => 3500 };
var grpcPort = new Option<int>("--dapr-grpc-port") { Description = "Port of the gRPC API, dapr.proto.runtime.v1.Dapr over HTTP/2 cleartext (0 = any free port)", DefaultValueFactory = _ => 50001 };
var listen = new Option<string>("--listen-address") { Description = "Address to listen on", DefaultValueFactory = _ => "127.0.0.1" };
var appPort = new Option<int?>("--app-port") { Description = "The app's port (enables subscriptions, invocation, bindings and jobs to the app)" };
var appProtocol = new Option<string>("--app-protocol") { Description = "How the runtime calls the app: http (Dapr's app routes) or grpc (dapr.proto.runtime.v1.AppCallback)", DefaultValueFactory = _ => "http" };
appProtocol.AcceptOnlyFromAmong("http", "grpc");
var appMaxConcurrency = new Option<int>("--app-max-concurrency") { Description = "Most requests in flight to the app at once (-1: no limit)", DefaultValueFactory = _ => -1 };
var appAddress = new Option<string>("--app-channel-address") { Description = "The app's host", DefaultValueFactory = _ => "127.0.0.1" };
var components = new Option<string?>("--components-path", "--resources-path") { Description = "Directory of Dapr component (and Subscription) YAML files; default: embedded SQLite components" };
var data = new Option<string>("--data") { Description = "Directory for the embedded back ends", DefaultValueFactory = _ => ".cloud-runtimes" };
var configSource = new Option<string?>("--config-source") { Description = "A rototo workspace source served as the configuration store 'config'" };
var maxBody = new Option<int>("--max-body-size") { Description = "Largest request body in MiB", DefaultValueFactory = _ => 4 };
var maxConnections = new Option<int>("--max-connections") { Description = "Most TCP connections open at once on each listener (HTTP API, gRPC API); more are closed on accept", DefaultValueFactory = _ => 1024 };
var maxResponse = new Option<int>("--max-response-size") { Description = "Largest answer built in memory (bulk state get, state query, key listing) in MiB", DefaultValueFactory = _ => 16 };
var maxConfigSubscriptions = new Option<int>("--max-config-subscriptions") { Description = "Most configuration subscriptions a configuration store holds at once", DefaultValueFactory = _ => 1000 };
var stateQueryTimeout = new Option<double>("--state-query-timeout") { Description = "Longest a state query may run, in seconds", DefaultValueFactory = _ => 30 };
var maxLockWaiters = new Option<int>("--max-lock-waiters") { Description = "Most waiting lock acquires a lock store has at once", DefaultValueFactory = _ => 256 };
var maxLockWait = new Option<double>("--max-lock-wait") { Description = "Longest wait of a waiting lock acquire, in seconds", DefaultValueFactory = _ => 300 };
var maxBulkPublish = new Option<int>("--max-bulk-publish-size") { Description = "Most MiB one bulk publish may store (envelopes, metadata and topic of its entries)", DefaultValueFactory = _ => 16 };
var maxStreamingSubscriptions = new Option<int>("--max-streaming-subscriptions") { Description = "Most gRPC streaming subscriptions (SubscribeTopicEventsAlpha1) open at once", DefaultValueFactory = _ => 1000 };
var maxJobs = new Option<int>("--max-jobs") { Description = "Most jobs the scheduler holds", DefaultValueFactory = _ => 10_000 };
var maxJobData = new Option<int>("--max-job-data-size") { Description = "Largest job payload (data) in KiB", DefaultValueFactory = _ => 256 };
var sqlTimeout = new Option<double>("--sql-timeout") { Description = "Longest a SQL statement (database API, plugins) may run, in seconds", DefaultValueFactory = _ => 5 };
var sqlMaxResult = new Option<int>("--sql-max-result") { Description = "Largest SQL query result in MiB (database API, plugins)", DefaultValueFactory = _ => 16 };
var sqlTransactionTimeout = new Option<double>("--sql-transaction-timeout") { Description = "Longest a database API transaction may take as a whole, in seconds; then it is rolled back", DefaultValueFactory = _ => 15 };
var logLevel = new Option<string>("--log-level") { Description = "Log level: debug, info, warn or error", DefaultValueFactory = _ => "info" };
logLevel.AcceptOnlyFromAmong("debug", "info", "warn", "error");
var logAsJson = new Option<bool>("--log-as-json") { Description = "Write logs as JSON, one object a line" };
var plugins = new Option<string?>("--plugins") { Description = "Folder of VTX plugins (*.wasm, *.vtx) served under their entrypoints" };
var pluginAuth = new Option<bool>("--plugin-auth") { Description = "Require every API request to pass the plugins' authenticate chain" };
var allowedOrigins = new Option<string?>("--allowed-origins") { Description = "Comma-separated origins whose browser requests are accepted besides the server's own ('*' for any; default none)" };
var prometheus = new Option<bool>("--prometheus-metrics") { Description = "Serve Prometheus metrics at /metrics (through the request policy: loopback host, origins, API token)" };
var configFile = new Option<string?>("--config") { Description = "A Dapr configuration file (kind: Configuration); spec.nameResolution turns on runtime-to-runtime invocation" };
var dashboard = new Option<bool>("--dashboard") { Description = "Serve the dashboard at /dashboard (--dashboard=false turns it off)", DefaultValueFactory = _ => true };
var endpoints = new Option<string[]>("--app-endpoint") { Description = "Another app's base URL for service invocation, as ID=URL (repeatable)" };

var run = new Command("run", "Run the runtime server") { appId, port, grpcPort, listen, appPort, appProtocol, appMaxConcurrency, appAddress, components, data, configSource, maxBody, maxConnections, maxResponse, maxConfigSubscriptions, maxBulkPublish, maxStreamingSubscriptions, maxJobs, maxJobData, stateQueryTimeout, maxLockWaiters, maxLockWait, plugins, pluginAuth, logLevel, logAsJson, endpoints, allowedOrigins, sqlTimeout, sqlMaxResult, sqlTransactionTimeout, prometheus, configFile, dashboard };
run.SetAction(async (parse, cancellationToken) =>
{
    var appEndpoints = new Dictionary<string, Uri>(StringComparer.Ordinal);
    foreach (var entry in parse.GetValue(endpoints) ?? [])
    {
        var split = entry.Split('=', 2);
        if (split.Length != 2 || !Uri.TryCreate(split[1], UriKind.Absolute, out var uri))
        {
            await Console.Error.WriteLineAsync($"error: --app-endpoint must be ID=URL, got '{entry}' (see 'cloud-runtimes run --help')");
            return UsageErrors.ExitCode;
        }
        appEndpoints[split[0]] = uri;
    }
    var options = new RuntimeOptions
    {
        AppId = parse.GetValue(appId)!,
        Port = parse.GetValue(port),
        GrpcPort = parse.GetValue(grpcPort),
        ListenAddress = parse.GetValue(listen)!,
        AppPort = parse.GetValue(appPort),
        AppAddress = parse.GetValue(appAddress)!,
        AppProtocol = parse.GetValue(appProtocol) == "grpc" ? AppProtocol.Grpc : AppProtocol.Http,
        AppMaxConcurrency = parse.GetValue(appMaxConcurrency) is > 0 and var limit ? limit : null,
        ComponentsPath = parse.GetValue(components),
        DataDirectory = parse.GetValue(data)!,
        ConfigSource = parse.GetValue(configSource),
        ConfigFile = parse.GetValue(configFile),
        ApiToken = Environment.GetEnvironmentVariable("DAPR_API_TOKEN") is { Length: > 0 } token ? token : null,
        AppToken = Environment.GetEnvironmentVariable("APP_API_TOKEN") is { Length: > 0 } appToken ? appToken : null,
        Limits = new RuntimeLimits
        {
            MaxRequestBodySize = parse.GetValue(maxBody) * 1024L * 1024L,
            MaxConnections = parse.GetValue(maxConnections),
            MaxResponseBytes = parse.GetValue(maxResponse) * 1024L * 1024L,
            MaxConfigurationSubscriptions = parse.GetValue(maxConfigSubscriptions),
            StateQueryTimeout = TimeSpan.FromSeconds(parse.GetValue(stateQueryTimeout)),
            MaxLockWaiters = parse.GetValue(maxLockWaiters),
            MaxLockWait = TimeSpan.FromSeconds(parse.GetValue(maxLockWait)),
            MaxBulkPublishBytes = parse.GetValue(maxBulkPublish) * 1024L * 1024L,
            MaxStreamingSubscriptions = parse.GetValue(maxStreamingSubscriptions),
            MaxJobs = parse.GetValue(maxJobs),
            MaxJobDataBytes = parse.GetValue(maxJobData) * 1024,
            SqlStatementTimeout = TimeSpan.FromSeconds(parse.GetValue(sqlTimeout)),
            SqlMaxResultBytes = parse.GetValue(sqlMaxResult) * 1024L * 1024L,
            SqlTransactionTimeout = TimeSpan.FromSeconds(parse.GetValue(sqlTransactionTimeout)),
        },
        AppEndpoints = appEndpoints,
        AllowedOrigins = (parse.GetValue(allowedOrigins) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        LogLevel = parse.GetValue(logLevel) switch { "debug" => LogLevel.Debug, "warn" => LogLevel.Warning, "error" => LogLevel.Error, _ => LogLevel.Information },
        LogAsJson = parse.GetValue(logAsJson),
        PluginsPath = parse.GetValue(plugins),
        PluginAuth = parse.GetValue(pluginAuth),
        PrometheusMetrics = parse.GetValue(prometheus),
        Dashboard = parse.GetValue(dashboard),
    };
    try
    {
        var app = RuntimeServer.Build(options);
        await app.RunAsync(cancellationToken);
        return 0;
    }
    catch (Exception e) when (e is CloudRuntimesException or IOException or UnauthorizedAccessException)
    {
        // Start-up errors (a bad component or resource file, a busy port, an unreadable folder) are one line, no stack trace.
        await Console.Error.WriteLineAsync($"error: {e.Message}");
        return 1;
    }
    catch (Exception e) when (NativeLibraryFailure.Describe(e) is { } message)
    {
        // A native library missing beside the executable: one line naming it, not the loader's stack trace.
        await Console.Error.WriteLineAsync($"error: {message}");
        return 1;
    }
    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
    {
        return 0;
    }
});

var root = new RootCommand("cloud-runtimes: the multi-runtime building blocks over Dapr's HTTP and gRPC APIs") { run };
// SIGTERM/SIGINT cancel the run; the server then drains in-flight requests for up to its 10 s shutdown timeout,
// so the command line waits longer than that before it would end the process itself.
var parsed = root.Parse(args);
return parsed.Errors.Count > 0
    ? UsageErrors.Write(parsed, Console.Error)
    : await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(15) });
