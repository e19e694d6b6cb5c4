using System.Diagnostics;
using System.Net;

namespace CloudRuntimes.Host.Tests;

/// <summary>Graceful shutdown: SIGTERM lets an in-flight request and a delivery in progress finish before the server exits.</summary>
[Collection(RuntimeGroup.Name)]
public sealed class ShutdownTests(RuntimeProcesses runtime)
{
    [Fact]
    public async Task Sigterm_drains_an_in_flight_invocation_then_exits_0()
    {
        var data = TempFolders.New("cr-e2e-shutdown-");
        var endpoint = await runtime.StartRuntimeAsync(data, runtime.AppEndpoint.Port, apiToken: null);
        var server = runtime.RuntimeProcess(endpoint);

        // The test app's /slow answers after 1.5 s; the server is told to stop while the call is in flight.
        var slow = runtime.Http.GetAsync(new Uri(endpoint, "v1.0/invoke/e2e/method/slow"));
        await Task.Delay(300);
        await TerminateAsync(server);

        using var response = await slow;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("done", await response.Content.ReadAsStringAsync());
        await ExitsWithZeroAsync(server);
    }

    [Fact]
    public async Task Sigterm_lets_a_delivery_in_progress_finish_and_acknowledges_it()
    {
        var data = TempFolders.New("cr-e2e-shutdown-");
        var endpoint = await runtime.StartRuntimeAsync(data, runtime.AppEndpoint.Port, apiToken: null);
        var first = "drain-" + Guid.NewGuid().ToString("N");

        // The app's /slow-events answers 1.5 s after an event arrives; the server is told to stop in between.
        await PublishAsync(endpoint, first);
        await runtime.WaitForReceivedAsync(Event("slow-event", first));
        await TerminateAsync(runtime.RuntimeProcess(endpoint));

        Assert.Single(await runtime.WaitForReceivedAsync(Event("slow-event-done", first)));
        await ExitsWithZeroAsync(runtime.RuntimeProcess(endpoint));

        // Restarted on the same data: had the first event not been acknowledged, its 60 s lease would hold the
        // topic and the second would not arrive; it was, so the second arrives and the first is not delivered again.
        var restarted = await runtime.StartRuntimeAsync(data, runtime.AppEndpoint.Port, apiToken: null);
        var second = "drain-" + Guid.NewGuid().ToString("N");
        await PublishAsync(restarted, second);
        await runtime.WaitForReceivedAsync(Event("slow-event-done", second));
        Assert.Single(await runtime.WaitForReceivedAsync(Event("slow-event", first)));
    }

    private static Func<System.Text.Json.Nodes.JsonObject, bool> Event(string kind, string marker) =>
        r => r["kind"]!.GetValue<string>() == kind && r["body"]?["data"]?["marker"]?.GetValue<string>() == marker;

    private async Task PublishAsync(Uri endpoint, string marker)
    {
        using var body = new StringContent($$"""{"marker":"{{marker}}"}""", System.Text.Encoding.UTF8, "application/json");
        using var published = await runtime.Http.PostAsync(new Uri(endpoint, "v1.0/publish/pubsub/slow-events"), body);
        Assert.Equal(HttpStatusCode.NoContent, published.StatusCode);
    }

    private static async Task TerminateAsync(Process server)
    {
        using var kill = Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    private static async Task ExitsWithZeroAsync(Process server)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await server.WaitForExitAsync(timeout.Token);
        Assert.Equal(0, server.ExitCode);
    }
}
