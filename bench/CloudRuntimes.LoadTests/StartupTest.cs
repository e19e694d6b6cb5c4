using System.Globalization;

namespace CloudRuntimes.LoadTests;

/// <summary>
/// <c>--startup N</c>: starts the server N times, one after the other, with the embedded defaults (SQLite components, the
/// example rototo workspace and plugin; no app), and prints the time from process start to the first 2xx answer of
/// <c>/v1.0/healthz</c> of each start, the server's processor time and resident memory at that moment, and the medians.
/// All starts share one <c>--data</c> directory: the first one finds it empty (SQLite files and schemas to create), the
/// others find what it left, as a restart does.
/// </summary>
internal static class StartupTest
{
    public static async Task<int> RunAsync(string server, int starts)
    {
        var data = Path.Combine(Path.GetTempPath(), "cr-startup-" + Guid.NewGuid().ToString("N"));
        Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {LoadAverage.Cores} processors, {starts} start(s) of the server with the embedded defaults");
        Console.WriteLine($"server: {server}");
        Console.WriteLine();
        Console.WriteLine("| start | ms to healthy | server CPU ms | resident MiB at healthy | load avg before |");
        Console.WriteLine("|---:|---:|---:|---:|---|");
        var times = new List<double>();
        var resident = new List<double>();
        try
        {
            for (var i = 1; i <= starts; i++)
            {
                var load = LoadAverage.Read();
                await using var runtime = await RuntimeProcess.StartAsync(server, appPort: null, data);
                times.Add(runtime.StartupTime.TotalMilliseconds);
                resident.Add(runtime.StartupWorkingSet / 1048576.0);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {i}{(i == 1 ? " (empty --data)" : "")} | {runtime.StartupTime.TotalMilliseconds:0} | {runtime.StartupProcessorTime.TotalMilliseconds:0} | {resident[^1]:0.0} | {load} |"));
            }
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median {Median(times):0} ms over {times.Count} start(s); load avg after: {LoadAverage.Read()}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"resident at healthy: median {Median(resident):0.0} MiB"));
        return 0;
    }

    /// <summary>The middle value (the mean of the two middle values for an even count).</summary>
    internal static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
