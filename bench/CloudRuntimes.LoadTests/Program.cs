// Load test and soak of the runtime server (issue 4): drives the real server process over HTTP on 127.0.0.1 and the
// same SQLite state component in-process, at a fixed concurrency. See docs/load-test.md.
using System.CommandLine;
using CloudRuntimes.LoadTests;

var connections = new Option<int>("--connections", "-c") { Description = "Concurrent connections (workers, one request in flight each)", DefaultValueFactory = _ => 32 };
var duration = new Option<int>("--duration", "-d") { Description = "Measured seconds per scenario", DefaultValueFactory = _ => 10 };
var warmUp = new Option<int>("--warmup") { Description = "Unmeasured warm-up seconds before each measurement", DefaultValueFactory = _ => 3 };
var soak = new Option<int?>("--soak") { Description = "Instead of the scenarios: a mixed load (state save+get, publish, invoke) for this many seconds" };
var server = new Option<string?>("--server") { Description = "Path of CloudRuntimes.Host.dll or of the native AOT executable (default: the dll built beside this driver, same configuration)" };
var startup = new Option<int?>("--startup") { Description = "Instead of the scenarios: start the server this many times with the embedded defaults and print each start-up time and the median" };
var redis = new Option<string?>("--redis") { Description = "A Redis host:port: adds a state get row through state.redis" };
var postgres = new Option<string?>("--postgres") { Description = "A PostgreSQL connection string: adds a state get row through state.postgresql" };
var sidecar = new Option<bool>("--sidecar") { Description = "Instead of the scenarios: the sidecar figures of issue 19 (idle memory, state get against the floor closed-loop and at a fixed rate, memory after a minute of load)" };
var rate = new Option<int>("--rate") { Description = "Requests a second of the fixed-rate rows of --sidecar", DefaultValueFactory = _ => 1000 };
var loadSeconds = new Option<int>("--load-seconds") { Description = "Seconds of load before the loaded memory figure of --sidecar", DefaultValueFactory = _ => 60 };
var drain = new Option<int>("--delivery-timeout") { Description = "Seconds to wait for every published message to be delivered", DefaultValueFactory = _ => 120 };

var root = new RootCommand("Load test of the Cloud Runtimes server: throughput and latency per scenario, or a soak") { connections, duration, warmUp, soak, startup, sidecar, rate, loadSeconds, server, drain, redis, postgres };
root.SetAction(async (parse, _) =>
{
    var settings = new LoadSettings(
        parse.GetValue(connections),
        TimeSpan.FromSeconds(parse.GetValue(duration)),
        TimeSpan.FromSeconds(parse.GetValue(warmUp)),
        TimeSpan.FromSeconds(parse.GetValue(drain)),
        Path.GetFullPath(parse.GetValue(server) ?? RuntimeProcess.BuiltHost()),
        parse.GetValue(redis),
        parse.GetValue(postgres));
    var soakSeconds = parse.GetValue(soak);
    var starts = parse.GetValue(startup);
    if (settings.Connections < 1 || settings.Duration <= TimeSpan.Zero || soakSeconds < 1 || starts < 1 || settings.WarmUp < TimeSpan.Zero || parse.GetValue(rate) < 1 || parse.GetValue(loadSeconds) < 1)
    {
        await Console.Error.WriteLineAsync("error: --connections, --duration, --soak, --startup, --rate and --load-seconds must be positive, --warmup not negative");
        return 2;
    }
    if (!File.Exists(settings.Server))
    {
        await Console.Error.WriteLineAsync($"error: the server is not built at {settings.Server} (build the solution in this configuration or pass --server)");
        return 2;
    }
    try
    {
        if (starts is { } count)
        {
            return await StartupTest.RunAsync(settings.Server, count);
        }
        if (parse.GetValue(sidecar))
        {
            return await SidecarTest.RunAsync(settings, parse.GetValue(rate), TimeSpan.FromSeconds(parse.GetValue(loadSeconds)));
        }
        return soakSeconds is { } seconds
            ? await LoadTest.SoakAsync(settings with { Duration = TimeSpan.FromSeconds(seconds) })
            : await LoadTest.ScenariosAsync(settings);
    }
    catch (InvalidOperationException e)
    {
        // The server did not come up, or wrk failed: the message says which.
        await Console.Error.WriteLineAsync($"error: {e.Message}");
        return 2;
    }
});
return await root.Parse(args).InvokeAsync();
