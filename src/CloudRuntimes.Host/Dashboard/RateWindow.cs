using System.Diagnostics;

namespace CloudRuntimes.Host.Dashboard;

/// <summary>
/// Counts of the last <see cref="Seconds"/> seconds in one-second buckets, each with the sum of the recorded durations,
/// for rates and mean latencies; plus the total since the server started. Thread-safe.
/// </summary>
internal sealed class RateWindow
{
    /// <summary>How many seconds the window keeps.</summary>
    public const int Seconds = 60;

    private readonly long[] _counts = new long[Seconds];
    private readonly double[] _durations = new double[Seconds];
    private readonly System.Threading.Lock _gate = new();
    private long _second = CurrentSecond();

    /// <summary>Everything recorded since the server started.</summary>
    public long Total { get; private set; }

    /// <summary>Records one event, with its duration in seconds (0 when it has none).</summary>
    public void Record(double seconds = 0)
    {
        lock (_gate)
        {
            var slot = Advance();
            _counts[slot]++;
            _durations[slot] += seconds;
            Total++;
        }
    }

    /// <summary>
    /// The complete seconds of the window (<see cref="Seconds"/> - 1: the current second is still filling), oldest first:
    /// events in each and their mean duration in milliseconds (null for none).
    /// </summary>
    public (long[] Counts, double?[] MeanMilliseconds) Snapshot()
    {
        lock (_gate)
        {
            var current = Advance();
            var counts = new long[Seconds - 1];
            var means = new double?[Seconds - 1];
            for (var i = 0; i < Seconds - 1; i++)
            {
                var slot = (current + 1 + i) % Seconds;
                counts[i] = _counts[slot];
                means[i] = counts[i] == 0 ? null : Math.Round(_durations[slot] / counts[i] * 1000, 3);
            }
            return (counts, means);
        }
    }

    /// <summary>Moves the window to the current second, clearing the buckets of the seconds that passed; returns the current bucket.</summary>
    private int Advance()
    {
        var now = CurrentSecond();
        for (var second = Math.Max(_second + 1, now - Seconds + 1); second <= now; second++)
        {
            var slot = (int)(second % Seconds);
            _counts[slot] = 0;
            _durations[slot] = 0;
        }
        _second = Math.Max(_second, now);
        return (int)(_second % Seconds);
    }

    private static long CurrentSecond() => Stopwatch.GetTimestamp() / Stopwatch.Frequency;
}
