using System.Diagnostics;
using System.Net;
using System.Text;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// After a crash, delivery resumes at once: a server killed (SIGKILL) while its app handles an event leaves a lease
/// on that event; the next server on the same data folder sees that the holder is gone and delivers the event again
/// within seconds, not when the 60 s lease would run out (at-least-once, docs/components.md).
/// </summary>
[Collection(RuntimeGroup.Name)]
public sealed class CrashRecoveryTests(RuntimeProcesses runtime)
{
    [Fact]
    public async Task A_lease_of_a_killed_server_is_taken_over_at_once_by_the_next_server()
    {
        var data = TempFolders.New("cr-e2e-crash-");
        var marker = Guid.NewGuid().ToString("N");
        var first = await runtime.StartRuntimeAsync(data, runtime.AppEndpoint.Port, apiToken: null);
        await WaitUntilReadyAsync(first);

        using var publish = await runtime.Http.PostAsync(new Uri(first, "v1.0/publish/pubsub/slow-events"), new StringContent($$"""{"marker":"{{marker}}"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NoContent, publish.StatusCode);
        // The app holds each slow event 1.5 s: kill the server while the app handles this one.
        Assert.Single(await runtime.WaitForReceivedAsync(r => IsArrival(r, marker)));
        runtime.RuntimeProcess(first).Kill();
        await runtime.RuntimeProcess(first).WaitForExitAsync();

        var restarted = Stopwatch.StartNew();
        await runtime.StartRuntimeAsync(data, runtime.AppEndpoint.Port, apiToken: null);
        var arrivals = await runtime.WaitForReceivedAsync(r => IsArrival(r, marker), count: 2);

        Assert.Equal(2, arrivals.Count);
        Assert.True(restarted.Elapsed < TimeSpan.FromSeconds(15), $"the event came again {restarted.Elapsed.TotalSeconds:F1} s after the restart");
    }

    private static bool IsArrival(System.Text.Json.Nodes.JsonObject record, string marker) =>
        record["kind"]!.GetValue<string>() == "slow-event" && record["body"]?["data"]?["marker"]?.GetValue<string>() == marker;

    private async Task WaitUntilReadyAsync(Uri endpoint)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await runtime.Http.GetAsync(new Uri(endpoint, "v1.0/healthz"))).StatusCode != HttpStatusCode.NoContent && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
    }
}
