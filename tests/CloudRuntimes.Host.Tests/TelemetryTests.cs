using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// The server's telemetry against real processes: the Prometheus scrape endpoint (opt-in, behind the request policy)
/// and OTLP export to a receiver the test runs, both carrying rototo's metrics, the building blocks' and the .NET
/// runtime's.
/// </summary>
public sealed class TelemetryTests : IDisposable
{
    private const string ContextQuery = "metadata.context=%7B%22user%22%3A%7B%22id%22%3A%22u-1%22%2C%22tier%22%3A%22premium%22%7D%7D";

    private readonly string _data = TempFolders.New("cr-telemetry-");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private static string Storefront => Path.Combine(RuntimeProcesses.RepositoryRoot, "examples", "storefront");

    public void Dispose()
    {
        _http.Dispose();
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    /// <summary>One configuration resolution and one state read: work that rototo's and the building blocks' instruments count.</summary>
    private async Task WorkAsync(ServerProcess server)
    {
        using var resolved = await _http.GetAsync(new Uri(server.Endpoint, $"v1.0/configuration/config?key=checkout-banner&{ContextQuery}"));
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        using var read = await _http.GetAsync(new Uri(server.Endpoint, "v1.0/state/statestore/telemetry-probe"));
        Assert.Equal(HttpStatusCode.NoContent, read.StatusCode);
    }

    private async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var server = ServerProcess.Start(_data, environment, ["--config-source", Storefront, .. arguments]);
        await server.WaitHealthyAsync(_http);
        return server;
    }

    [Fact]
    public async Task Without_the_flag_there_is_no_metrics_endpoint()
    {
        await using var server = await StartAsync(null);

        using var response = await _http.GetAsync(new Uri(server.Endpoint, "metrics"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Prometheus_scrape_carries_rototo_building_block_and_dotnet_runtime_metrics()
    {
        await using var server = await StartAsync(null, "--prometheus-metrics");
        await WorkAsync(server);

        using var response = await _http.GetAsync(new Uri(server.Endpoint, "metrics"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        // OpenTelemetry's Prometheus names: dots become underscores, counters end in _total, seconds in _seconds.
        foreach (var series in new[]
        {
            "rototo_resolutions_total{", "rototo_workspace_loads_total{", "rototo_lint_diagnostics_total{", "rototo_workspace_load_duration_seconds_bucket{",
            "cloudruntimes_operations_total{", "dotnet_gc_collections_total{", "dotnet_assembly_count",
        })
        {
            Assert.Contains(text.Split('\n'), line => line.StartsWith(series, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_metrics_endpoint_goes_through_the_request_policy()
    {
        await using var server = await StartAsync(new Dictionary<string, string> { ["DAPR_API_TOKEN"] = "metrics-token" }, "--prometheus-metrics");

        var rebinding = await RawHttp.SendAsync(server.Endpoint, "GET", "/metrics", host: "attacker.example");
        var noToken = await RawHttp.SendAsync(server.Endpoint, "GET", "/metrics");
        var crossOrigin = await RawHttp.SendAsync(server.Endpoint, "GET", "/metrics", headers: new Dictionary<string, string> { ["Origin"] = "http://evil.example", ["dapr-api-token"] = "metrics-token" });
        var allowed = await RawHttp.SendAsync(server.Endpoint, "GET", "/metrics", headers: new Dictionary<string, string> { ["dapr-api-token"] = "metrics-token" });

        Assert.Equal(403, rebinding.Status);
        Assert.Contains("ERR_HOST_NOT_ALLOWED", rebinding.Body, StringComparison.Ordinal);
        Assert.Equal(401, noToken.Status);
        Assert.Contains("invalid api token", noToken.Body, StringComparison.Ordinal);
        Assert.Equal(403, crossOrigin.Status);
        Assert.Contains("ERR_ORIGIN_NOT_ALLOWED", crossOrigin.Body, StringComparison.Ordinal);
        Assert.Equal(200, allowed.Status);
        Assert.Contains("# TYPE ", allowed.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Otlp_export_carries_rototo_traces_and_metrics_and_dotnet_runtime_metrics()
    {
        using var receiver = new OtlpReceiver();
        await using var server = await StartAsync(new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "300",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        });
        await WorkAsync(server);

        // OTLP/protobuf carries instrument and span names as UTF-8 strings.
        await receiver.WaitForAsync("/v1/metrics", "rototo.resolutions", "rototo.workspace.loads", "rototo.lint.diagnostics", "cloudruntimes.operations", "dotnet.gc.collections");
        await receiver.WaitForAsync("/v1/traces", "rototo.workspace.load", "rototo.workspace.lint");
    }

    /// <summary>An OTLP/HTTP receiver on a free loopback port that keeps every request body by path.</summary>
    private sealed class OtlpReceiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly ConcurrentQueue<(string Path, byte[] Body)> _requests = new();
        private readonly Task _loop;

        public OtlpReceiver()
        {
            var port = FreePorts.Next();
            Endpoint = $"http://127.0.0.1:{port}";
            _listener.Prefixes.Add(Endpoint + "/");
            _listener.Start();
            _loop = Task.Run(ReceiveAsync);
        }

        public string Endpoint { get; }

        public async Task WaitForAsync(string path, params string[] names)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                var seen = string.Concat(_requests.Where(r => r.Path == path).Select(r => Encoding.UTF8.GetString(r.Body)));
                var missing = names.Where(n => !seen.Contains(n, StringComparison.Ordinal)).ToList();
                if (missing.Count == 0)
                {
                    return;
                }
                Assert.False(DateTime.UtcNow > deadline, $"{path} did not receive [{string.Join(", ", missing)}] within 30 s ({_requests.Count} requests: {string.Join(", ", _requests.Select(r => r.Path).Distinct())})");
                await Task.Delay(100);
            }
        }

        public void Dispose()
        {
            _listener.Close();
            _loop.Wait(TimeSpan.FromSeconds(5));
        }

        private async Task ReceiveAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                _requests.Enqueue((context.Request.Url!.AbsolutePath, body.ToArray()));
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.Close();
            }
        }
    }
}
