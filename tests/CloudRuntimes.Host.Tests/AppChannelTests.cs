using System.Net;
using System.Text.Json.Nodes;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// The app channel opens when the app is ready, not before the runtime's API: an app that waits for its sidecar
/// (Dapr SDKs poll <c>/v1.0/healthz/outbound</c>) before opening its own port must not deadlock against it.
/// </summary>
[Collection(RuntimeGroup.Name)]
public sealed class AppChannelTests(RuntimeProcesses runtime)
{
    [Fact]
    public async Task Runtime_serves_its_api_while_the_app_is_not_up_and_opens_the_app_channel_when_it_comes_up()
    {
        var data = TempFolders.New("cr-e2e-late-app-");
        var appPort = FreePorts.Next();
        var endpoint = runtime.StartRuntime(data, appPort, apiToken: null);
        var server = runtime.RuntimeProcess(endpoint);

        // Outbound health answers 204 with no app; healthz says the app channel is not ready (Dapr: 500 ERR_HEALTH_NOT_READY).
        await EventuallyAsync(async () => (await StatusAsync(new Uri(endpoint, "v1.0/healthz/outbound"))) == HttpStatusCode.NoContent, "healthz/outbound 204");
        using (var health = await runtime.Http.GetAsync(new Uri(endpoint, "v1.0/healthz")))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, health.StatusCode);
            Assert.Equal("ERR_HEALTH_NOT_READY", JsonNode.Parse(await health.Content.ReadAsStringAsync())!["errorCode"]!.GetValue<string>());
        }
        // The building blocks answer meanwhile (state here), and the runtime keeps waiting for the app without giving up.
        using (var state = await runtime.Http.GetAsync(new Uri(endpoint, "v1.0/state/statestore/nothing-here")))
        {
            Assert.Equal(HttpStatusCode.NoContent, state.StatusCode);
        }
        await Task.Delay(TimeSpan.FromSeconds(7));
        Assert.False(server.HasExited, "the runtime exited while waiting for the app");

        await runtime.StartAppAsync(appPort);

        await EventuallyAsync(async () => (await StatusAsync(new Uri(endpoint, "v1.0/healthz"))) == HttpStatusCode.NoContent, "healthz 204 once the app is up");
        var metadata = JsonNode.Parse(await runtime.Http.GetStringAsync(new Uri(endpoint, "v1.0/metadata")))!;
        Assert.Contains(metadata["subscriptions"]!.AsArray(), s => s!["topic"]!.GetValue<string>() == "orders");
    }

    [Fact]
    public async Task App_max_concurrency_caps_the_requests_in_flight_to_the_app()
    {
        var limited = await runtime.StartRuntimeAsync(TempFolders.New("cr-e2e-limit-"), runtime.AppEndpoint.Port, apiToken: null, "--app-max-concurrency", "1");

        // Four invocations at once of a method that takes 300 ms: the app sees one at a time through the limited
        // runtime, and more than one through the unlimited one (which shows the app itself would take them together).
        async Task<int> MostInFlightAsync(Uri endpoint)
        {
            var gate = Guid.NewGuid().ToString("N");
            var calls = Enumerable.Range(0, 4).Select(_ => runtime.Http.PostAsync(new Uri(endpoint, $"v1.0/invoke/{RuntimeProcesses.AppId}/method/gate/{gate}"), null));
            foreach (var response in await Task.WhenAll(calls))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                response.Dispose();
            }
            return int.Parse(await runtime.Http.GetStringAsync(new Uri(runtime.AppEndpoint, $"gate/{gate}/most")), System.Globalization.CultureInfo.InvariantCulture);
        }

        Assert.Equal(1, await MostInFlightAsync(limited));
        Assert.True(await MostInFlightAsync(runtime.RuntimeEndpoint) > 1, "the app should take several requests at once without the limit");
    }

    private async Task<HttpStatusCode?> StatusAsync(Uri uri)
    {
        try
        {
            using var response = await runtime.Http.GetAsync(uri);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for " + what);
            await Task.Delay(100);
        }
    }
}
