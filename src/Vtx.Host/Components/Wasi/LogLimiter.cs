using System.Collections.Concurrent;
using System.Diagnostics;

namespace Vtx.Host.Components.Wasi;

/// <summary>
/// A token bucket per plugin id for log lines: up to <c>linesPerSecond</c> lines a second (and as a burst); lines past
/// it are dropped and counted, and the count is reported with the next line that passes. Thread-safe.
/// </summary>
internal sealed class LogLimiter(int linesPerSecond)
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    /// <summary>Takes a token for <paramref name="pluginId"/>; <paramref name="dropped"/> is the number of lines dropped since the last one that passed.</summary>
    public bool TryTake(string pluginId, out long dropped)
    {
        var bucket = _buckets.GetOrAdd(pluginId, _ => new Bucket(linesPerSecond));
        lock (bucket)
        {
            var now = Stopwatch.GetTimestamp();
            bucket.Tokens = Math.Min(linesPerSecond, bucket.Tokens + ((now - bucket.Refilled) * (double)linesPerSecond / Stopwatch.Frequency));
            bucket.Refilled = now;
            if (bucket.Tokens < 1)
            {
                bucket.Dropped++;
                dropped = 0;
                return false;
            }

            bucket.Tokens--;
            dropped = bucket.Dropped;
            bucket.Dropped = 0;
            return true;
        }
    }

    private sealed class Bucket(int tokens)
    {
        public double Tokens { get; set; } = tokens;

        public long Refilled { get; set; } = Stopwatch.GetTimestamp();

        public long Dropped { get; set; }
    }
}
