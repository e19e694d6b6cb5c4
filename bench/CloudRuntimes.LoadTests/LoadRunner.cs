using System.Diagnostics;
using HdrHistogram;

namespace CloudRuntimes.LoadTests;

/// <summary>One kind of request a worker sends: a name and the call itself (worker index, iteration, cancellation).</summary>
/// <param name="Name">Shown in the report.</param>
/// <param name="Call">Sends one request; throws (or reports false) on failure.</param>
internal sealed record LoadOperation(string Name, Func<int, long, CancellationToken, Task<bool>> Call);

/// <summary>What one operation measured: successful requests per second, their latency (ms), failed requests, and the load average around the run.</summary>
internal sealed record OperationResult(string Name, long Completed, long Errors, double PerSecond, double P50, double P99, double Max, string? FirstError, LoadAverage LoadBefore, LoadAverage LoadAfter);

/// <summary>
/// Closed-loop load: <c>connections</c> workers each send one request at a time, back to back, for a fixed duration.
/// A worker cycles through the operations (so several operations make a mixed load). Latency is recorded per
/// operation into HdrHistogram histograms (3 significant digits); a warm-up run before the measured run is discarded.
/// </summary>
internal static class LoadRunner
{
    private static readonly long HighestTrackable = Stopwatch.Frequency * 60;

    public static async Task<IReadOnlyList<OperationResult>> RunAsync(IReadOnlyList<LoadOperation> operations, int connections, TimeSpan warmUp, TimeSpan duration, Action? onWarmedUp = null)
    {
        if (warmUp > TimeSpan.Zero)
        {
            await MeasureAsync(operations, connections, warmUp);
        }
        onWarmedUp?.Invoke();
        return await MeasureAsync(operations, connections, duration);
    }

    private static async Task<IReadOnlyList<OperationResult>> MeasureAsync(IReadOnlyList<LoadOperation> operations, int connections, TimeSpan duration)
    {
        var before = LoadAverage.Read();
        var workers = new WorkerState[connections];
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var tasks = new Task[connections];
        for (var w = 0; w < connections; w++)
        {
            var state = workers[w] = new WorkerState(operations.Count);
            var worker = w;
            tasks[w] = Task.Run(() => WorkAsync(operations, worker, state, stop.Token));
        }
        stop.CancelAfter(duration);
        await Task.WhenAll(tasks);
        return Collect(operations, workers, clock.Elapsed, before);
    }

    /// <summary>
    /// Open-loop load at a fixed rate: <paramref name="connections"/> workers each send one request every
    /// <c>connections / rate</c> seconds, staggered, so the server sees <paramref name="rate"/> requests a second whatever
    /// its latency (as long as it keeps up); latency is each request's own, from send to answer. A warm-up run is discarded.
    /// </summary>
    public static async Task<OperationResult> RunAtRateAsync(LoadOperation operation, int connections, double rate, TimeSpan warmUp, TimeSpan duration)
    {
        if (warmUp > TimeSpan.Zero)
        {
            await MeasureAtRateAsync(operation, connections, rate, warmUp);
        }
        return await MeasureAtRateAsync(operation, connections, rate, duration);
    }

    private static async Task<OperationResult> MeasureAtRateAsync(LoadOperation operation, int connections, double rate, TimeSpan duration)
    {
        var before = LoadAverage.Read();
        var workers = new WorkerState[connections];
        var interval = Stopwatch.Frequency * connections / rate;
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var tasks = new Task[connections];
        for (var w = 0; w < connections; w++)
        {
            var state = workers[w] = new WorkerState(1);
            var worker = w;
            tasks[w] = Task.Run(async () =>
            {
                for (long i = 0; ; i++)
                {
                    var due = start + (long)((i + (double)worker / connections) * interval);
                    if (due >= end)
                    {
                        return;
                    }
                    var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait);
                    }
                    await SendAsync(operation, 0, worker, i, state);
                }
            });
        }
        await Task.WhenAll(tasks);
        return Collect([operation], workers, Stopwatch.GetElapsedTime(start), before).Single();
    }

    private static List<OperationResult> Collect(IReadOnlyList<LoadOperation> operations, WorkerState[] workers, TimeSpan elapsed, LoadAverage before)
    {
        var after = LoadAverage.Read();
        var results = new List<OperationResult>(operations.Count);
        for (var o = 0; o < operations.Count; o++)
        {
            var histogram = new LongHistogram(HighestTrackable, 3);
            long errors = 0;
            string? firstError = null;
            foreach (var state in workers)
            {
                histogram.Add(state.Latency[o]);
                errors += state.Errors[o];
                firstError ??= state.FirstError[o];
            }
            results.Add(new OperationResult(operations[o].Name, histogram.TotalCount, errors, histogram.TotalCount / elapsed.TotalSeconds,
                Milliseconds(histogram, histogram.GetValueAtPercentile(50)), Milliseconds(histogram, histogram.GetValueAtPercentile(99)), Milliseconds(histogram, histogram.GetMaxValue()), firstError, before, after));
        }
        return results;
    }

    private static double Milliseconds(HistogramBase histogram, long ticks) => histogram.TotalCount == 0 ? 0 : ticks * 1000.0 / Stopwatch.Frequency;

    private static async Task WorkAsync(IReadOnlyList<LoadOperation> operations, int worker, WorkerState state, CancellationToken stop)
    {
        for (long i = 0; !stop.IsCancellationRequested; i++)
        {
            var o = (int)((i + worker) % operations.Count);
            await SendAsync(operations[o], o, worker, i, state);
        }
    }

    /// <summary>Sends one request of <paramref name="operation"/> (number <paramref name="o"/> of the worker's list) and records its latency or its error.</summary>
    private static async Task SendAsync(LoadOperation operation, int o, int worker, long i, WorkerState state)
    {
        var start = Stopwatch.GetTimestamp();
        string? error = null;
        try
        {
            if (!await operation.Call(worker, i, CancellationToken.None))
            {
                error = "unexpected response";
            }
        }
#pragma warning disable CA1031 // Every failure is counted and reported, whatever its type.
        catch (Exception e)
#pragma warning restore CA1031
        {
            error = $"{e.GetType().Name}: {e.Message}";
        }
        if (error is null)
        {
            state.Latency[o].RecordValue(Math.Min(Stopwatch.GetTimestamp() - start, HighestTrackable));
        }
        else
        {
            state.Errors[o]++;
            state.FirstError[o] ??= error;
        }
    }

    private sealed class WorkerState(int operations)
    {
        public LongHistogram[] Latency { get; } = [.. Enumerable.Range(0, operations).Select(_ => new LongHistogram(HighestTrackable, 3))];

        public long[] Errors { get; } = new long[operations];

        public string?[] FirstError { get; } = new string?[operations];
    }
}
