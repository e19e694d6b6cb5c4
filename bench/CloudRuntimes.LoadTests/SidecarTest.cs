using System.Globalization;

namespace CloudRuntimes.LoadTests;

/// <summary>
/// <c>--sidecar</c>: the figures of issue 19 for one server build, against the floor (a bare ASP.NET Core endpoint of the
/// driver's app answering the same bytes): resident memory idle (the embedded defaults and the example plugin, 5 s after
/// ready); state get and the floor closed-loop at <c>--connections</c>; both at a fixed rate (open loop) for p50/p99;
/// resident memory after <c>--load-seconds</c> of state get and save+get. Ends with one <c>sidecar:</c> line of
/// key=value figures that <c>bench/startup/server.sh</c> reads.
/// </summary>
internal static class SidecarTest
{
    public static async Task<int> RunAsync(LoadSettings settings, int rate, TimeSpan load)
    {
        await using var app = await LoadApp.StartAsync();
        await using var runtime = await RuntimeProcess.StartAsync(settings.Server, appPort: null);
        await Task.Delay(TimeSpan.FromSeconds(5));
        var idle = runtime.WorkingSet;
        using var http = new HttpOperations(runtime.Endpoint, settings.Connections);
        await http.PresaveAsync(HttpOperations.Store);
        var bare = http.BareGet(new Uri($"http://127.0.0.1:{app.Port}/bare"));

        Console.WriteLine($"server: {settings.Server}; ready in {runtime.StartupTime.TotalMilliseconds:0} ms; resident memory idle: {Report.Megabytes(idle)}");
        Report.Header(settings.Connections, settings.Duration, settings.Server);
        var floor = await Closed(bare);
        var get = await Closed(http.StateGet);
        var floorAtRate = await AtRate(bare);
        var getAtRate = await AtRate(http.StateGet);
        var loaded = await LoadRunner.RunAsync([http.StateGet, http.StateSaveGet], settings.Connections, TimeSpan.Zero, load);
        foreach (var result in loaded)
        {
            Report.Row(result);
        }
        var afterLoad = runtime.WorkingSet;
        Console.WriteLine($"resident memory after {load.TotalSeconds:0} s of load: {Report.Megabytes(afterLoad)} (load avg {LoadAverage.Read()})");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sidecar: ready_ms={runtime.StartupTime.TotalMilliseconds:0} idle_mib={idle / 1048576.0:0.0} loaded_mib={afterLoad / 1048576.0:0.0} floor_rps={floor.PerSecond:0} get_rps={get.PerSecond:0} floor_p50={floorAtRate.P50:0.000} get_p50={getAtRate.P50:0.000} floor_p99={floorAtRate.P99:0.000} get_p99={getAtRate.P99:0.000}"));
        var errors = floor.Errors + get.Errors + floorAtRate.Errors + getAtRate.Errors + loaded.Sum(r => r.Errors);
        return errors == 0 ? 0 : 1;

        async Task<OperationResult> Closed(LoadOperation operation)
        {
            var result = (await LoadRunner.RunAsync([operation], settings.Connections, settings.WarmUp, settings.Duration)).Single();
            Report.Row(result);
            return result;
        }

        async Task<OperationResult> AtRate(LoadOperation operation)
        {
            var result = await LoadRunner.RunAtRateAsync(operation with { Name = $"{operation.Name} at {rate}/s" }, settings.Connections, rate, settings.WarmUp, settings.Duration);
            Report.Row(result);
            return result;
        }
    }
}
