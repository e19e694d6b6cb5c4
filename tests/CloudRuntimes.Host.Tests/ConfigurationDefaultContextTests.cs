using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// The configuration API as a plain Dapr client calls it first: <c>GET /v1.0/configuration/config?key=...</c> with no
/// metadata, against the real server serving the storefront example, which ships a default context
/// (<c>examples/storefront/contexts/default.json</c>: a free, anonymous US shopper with an empty cart).
/// </summary>
[Collection(RuntimeGroup.Name)]
public sealed class ConfigurationDefaultContextTests(RuntimeProcesses runtime)
{
    private Uri Url(string path) => new(runtime.RuntimeEndpoint, path);

    [Fact]
    public async Task A_request_without_metadata_gets_values_resolved_with_the_default_context()
    {
        using var response = await runtime.Http.GetAsync(Url("v1.0/configuration/config?key=checkout-banner&key=max-cart-items&key=shipping-policy"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Secure checkout", items["checkout-banner"]!["value"]!.GetValue<string>());
        Assert.Equal("50", items["max-cart-items"]!["value"]!.GetValue<string>());
        Assert.Equal("worldwide", items["shipping-policy"]!["metadata"]!["valueKey"]!.GetValue<string>());
        Assert.Equal("ups", JsonNode.Parse(items["shipping-policy"]!["value"]!.GetValue<string>())!["carrier"]!.GetValue<string>());
    }

    [Fact]
    public async Task Request_metadata_is_merged_over_the_default_context()
    {
        using var response = await runtime.Http.GetAsync(Url("v1.0/configuration/config?key=checkout-banner&key=shipping-policy&metadata.context.user.tier=premium"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("premium", items["checkout-banner"]!["metadata"]!["valueKey"]!.GetValue<string>());
        Assert.Equal("worldwide", items["shipping-policy"]!["metadata"]!["valueKey"]!.GetValue<string>());
    }
}
