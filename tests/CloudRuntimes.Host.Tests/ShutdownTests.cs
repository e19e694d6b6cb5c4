using System.Diagnostics;
using System.Net;

namespace CloudRuntimes.Host.Tests;

/// <summary>Graceful shutdown: SIGTERM lets an in-flight request finish before the server exits.</summary>
[Collection(RuntimeGroup.Name)]
public sealed class ShutdownTests(RuntimeProcesses runtime)
{
    [Fact]
    public async Task Sigterm_drains_an_in_flight_invocation_then_exits_0()
    {
        var data = Path.Combine(Path.GetTempPath(), "cr-e2e-shutdown-" + Guid.NewGuid().ToString("N"));
        var endpoint = await runtime.StartRuntimeAsync(data, runtime.AppEndpoint.Port, apiToken: null);
        var server = runtime.RuntimeProcess(endpoint);

        // The test app's /slow answers after 1.5 s; the server is told to stop while the call is in flight.
        var slow = runtime.Http.GetAsync(new Uri(endpoint, "v1.0/invoke/e2e/method/slow"));
        await Task.Delay(300);
        using (var kill = Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var response = await slow;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("done", await response.Content.ReadAsStringAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await server.WaitForExitAsync(timeout.Token);
        Assert.Equal(0, server.ExitCode);
    }
}
