using System.Collections.Concurrent;
using System.Diagnostics;

namespace CloudRuntimes.LoadTests;

/// <summary>
/// Published message ids against the ids the app received: waits (up to a limit) until every one has arrived.
/// <see cref="Backlog"/> is how many were still undelivered when the load stopped; they arrived during <see cref="Drain"/>.
/// </summary>
internal sealed record DeliveryCheck(int Published, int Delivered, int Lost, int Redelivered, int Backlog, TimeSpan Drain)
{
    public static async Task<DeliveryCheck> WaitAsync(ConcurrentDictionary<string, bool> published, ConcurrentDictionary<string, int> delivered, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        int Missing() => published.Keys.Count(id => !delivered.ContainsKey(id));
        var backlog = Missing();
        var missing = backlog;
        while (missing > 0 && clock.Elapsed < limit)
        {
            await Task.Delay(200);
            missing = Missing();
        }
        var total = published.Count;
        return new DeliveryCheck(total, total - missing, missing, delivered.Count(d => d.Value > 1), backlog, clock.Elapsed);
    }
}
