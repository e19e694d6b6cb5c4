using System.Collections.Concurrent;
using System.Diagnostics;

namespace CloudRuntimes.LoadTests;

/// <summary>Published message ids against the ids the app received: waits (up to a limit) until every one has arrived.</summary>
internal sealed record DeliveryCheck(int Published, int Delivered, int Lost, int Redelivered, TimeSpan Drain)
{
    public static async Task<DeliveryCheck> WaitAsync(ConcurrentDictionary<string, bool> published, ConcurrentDictionary<string, int> delivered, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        int missing;
        while ((missing = published.Keys.Count(id => !delivered.ContainsKey(id))) > 0 && clock.Elapsed < limit)
        {
            await Task.Delay(200);
        }
        var total = published.Count;
        return new DeliveryCheck(total, total - missing, missing, delivered.Count(d => d.Value > 1), clock.Elapsed);
    }
}
