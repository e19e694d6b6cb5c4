using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// The configuration subscriptions a store holds (<c>--max-config-subscriptions</c>, docs/security.md) against the real
/// server process: one more than the limit is 429 <c>ERR_CONFIGURATION_SUBSCRIBE</c>; unsubscribing makes room again.
/// </summary>
[Collection(RuntimeGroup.Name)]
public sealed class ConfigurationSubscriptionLimitTests(RuntimeProcesses runtime)
{
    [Fact]
    public async Task Subscriptions_past_the_limit_are_429_until_one_is_unsubscribed()
    {
        var data = TempFolders.New("cr-e2e-config-subs-");
        await using var server = ServerProcess.Start(data, null, "--app-port", runtime.AppEndpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--max-config-subscriptions", "2");
        await server.WaitHealthyAsync(runtime.Http);
        var subscribe = new Uri(server.Endpoint, "v1.0/configuration/config/subscribe?key=checkout-banner");

        var first = await SubscribeAsync(subscribe);
        await SubscribeAsync(subscribe);
        using var third = await runtime.Http.GetAsync(subscribe);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        var error = (await third.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("ERR_CONFIGURATION_SUBSCRIBE", error["errorCode"]!.GetValue<string>());
        Assert.Equal("configuration store config holds 2 subscriptions, the most allowed (--max-config-subscriptions): unsubscribe one first", error["message"]!.GetValue<string>());

        using var unsubscribe = await runtime.Http.GetAsync(new Uri(server.Endpoint, $"v1.0/configuration/config/{first}/unsubscribe"));
        Assert.Equal(HttpStatusCode.OK, unsubscribe.StatusCode);
        await SubscribeAsync(subscribe);
    }

    private async Task<string> SubscribeAsync(Uri subscribe)
    {
        using var response = await runtime.Http.GetAsync(subscribe);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
    }
}
