using System.Diagnostics;
using System.Globalization;

namespace Rototo.Refresh.Benchmarks;

/// <summary>
/// A quick timed loop: resolves for a fixed time in each <see cref="RefreshMode"/>, timing batches of 1,000
/// resolutions, and prints mean, p50, p99 and worst batch (ns per resolution), the number of swaps, and the ratio
/// of each refreshing run to the run without refreshes.
/// </summary>
internal static class TimedLoop
{
    private const int BatchSize = 1_000;

    public static async Task RunAsync(TimeSpan duration)
    {
        Console.WriteLine($"storefront {StorefrontWorkspace.Variable}, {duration.TotalSeconds:0.#} s per run, batches of {BatchSize}, {Environment.ProcessorCount} cores");
        Console.WriteLine("run                     resolutions  mean ns  p50 ns  p99 ns  worst batch ns/op  swaps  mean ratio  p50 ratio");
        Result? baseline = null;
        foreach (var mode in Enum.GetValues<RefreshMode>())
        {
            var result = await MeasureAsync(mode, duration);
            baseline ??= result;
            Print(mode.ToString(), result, baseline);
        }
    }

    private static async Task<Result> MeasureAsync(RefreshMode mode, TimeSpan duration)
    {
        await using var storefront = await StorefrontWorkspace.StartAsync(mode);
        var (workspace, context) = (storefront.Workspace, storefront.Context);
        var swaps = 0;
        workspace.Changed += (_, _) => Interlocked.Increment(ref swaps);
        for (var i = 0; i < 50 * BatchSize; i++)
        {
            workspace.ResolveVariable(StorefrontWorkspace.Variable, context); // warm-up
        }
        var batches = new List<double>();
        var total = Stopwatch.StartNew();
        while (total.Elapsed < duration)
        {
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < BatchSize; i++)
            {
                workspace.ResolveVariable(StorefrontWorkspace.Variable, context);
            }
            batches.Add(Stopwatch.GetElapsedTime(start).TotalNanoseconds / BatchSize);
        }
        batches.Sort();
        return new Result(batches.Count * (long)BatchSize, batches.Average(), batches[batches.Count / 2], batches[(int)(batches.Count * 0.99)], batches[^1], swaps);
    }

    private static void Print(string name, Result r, Result baseline) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-23} {r.Resolutions,11}  {r.Mean,7:0.0}  {r.P50,6:0.0}  {r.P99,6:0.0}  {r.Worst,17:0.0}  {r.Swaps,5}  {r.Mean / baseline.Mean,9:0.00}x  {r.P50 / baseline.P50,8:0.00}x"));

    private sealed record Result(long Resolutions, double Mean, double P50, double P99, double Worst, int Swaps);
}
