using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// The dashboard's JSON (<c>/dashboard/api/...</c>, docs/dashboard.md) against the real server and test app: the
/// components are those of <c>/v1.0/metadata</c>, a published message moves its subscription's counters, the playground
/// explains a resolution and places a JSON error; the dashboard goes through the request policy like the API.
/// </summary>
[Collection(RuntimeGroup.Name)]
public sealed class DashboardApiTests(RuntimeProcesses runtime)
{
    private HttpClient Http => runtime.Http;

    private Uri Url(string path) => new(runtime.RuntimeEndpoint, path);

    [Fact]
    public async Task The_overview_lists_the_components_of_the_metadata_with_health_and_the_open_app_channel()
    {
        var metadata = await Http.GetFromJsonAsync<JsonObject>(Url("v1.0/metadata"));
        var overview = await Http.GetFromJsonAsync<JsonObject>(Url("dashboard/api/overview"));

        Assert.Equal(
            metadata!["components"]!.AsArray().Select(c => ((string)c!["name"]!, (string)c["type"]!)),
            overview!["components"]!.AsArray().Select(c => ((string)c!["name"]!, (string)c["type"]!)));
        Assert.All(overview["components"]!.AsArray(), c => Assert.Equal("ok", (string?)c!["health"]));
        Assert.Equal(RuntimeProcesses.AppId, (string?)overview["appId"]);
        Assert.Equal("open", (string?)overview["appChannel"]!["state"]);
        // Both listeners: the HTTP API, then the gRPC API.
        Assert.Equal([runtime.RuntimeEndpoint.ToString().TrimEnd('/'), runtime.RuntimeGrpcEndpoint.ToString().TrimEnd('/')], overview["listening"]!.AsArray().Select(a => (string)a!));
    }

    [Fact]
    public async Task A_published_message_moves_the_delivered_counter_and_the_pubsub_chart()
    {
        var before = await OrdersAsync();
        for (var i = 0; i < 3; i++)
        {
            using var publish = await Http.PostAsync(Url("v1.0/publish/pubsub/orders"), new StringContent($$"""{"dashboard":{{i}}}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.NoContent, publish.StatusCode);
        }

        var deadline = DateTime.UtcNow.AddSeconds(20);
        var after = await OrdersAsync();
        // Delivered is counted when the app answers, the backlog when the acknowledgement is stored just after: wait for both.
        while (((long)after["delivered"]! < (long)before["delivered"]! + 3 || (long)after["backlog"]! != 0) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            after = await OrdersAsync();
        }
        Assert.Equal((long)before["delivered"]! + 3, (long)after["delivered"]!);
        Assert.Equal(0, (long)after["backlog"]!);
        Assert.Equal("/orders", (string?)after["routes"]![0]!["path"]);
        var metrics = await Http.GetFromJsonAsync<JsonObject>(Url("dashboard/api/metrics"));
        var pubsub = Assert.Single(metrics!["blocks"]!.AsArray(), b => (string?)b!["block"] == "pubsub")!;
        Assert.True((long)pubsub["total"]! >= 3);
        Assert.Equal(59, pubsub["perSecond"]!.AsArray().Count);
    }

    [Fact]
    public async Task The_playground_explains_a_resolution_rule_by_rule()
    {
        var answer = await ResolveAsync("checkout-banner", """{"user":{"id":"user-42","tier":"premium"},"request":{"country":"DE"},"cart":{"items":3}}""");

        Assert.True((bool)answer["valid"]!);
        var trace = answer["trace"]!;
        // variables/checkout-banner.toml: rule 0 (premium-members) holds for a premium user.
        Assert.Equal("premium", (string?)trace["resolution"]!["value_key"]);
        Assert.Equal("Welcome back! Premium members check out with free express shipping.", (string?)trace["resolution"]!["value"]);
        Assert.Equal("premium-members", (string?)trace["rules"]![0]!["qualifier"]);
        Assert.True((bool)trace["rules"]![0]!["matched"]!);
    }

    [Theory]
    // The 'p' of premium is the 17th character; the ']' the 13th of the third line.
    [InlineData("{\"user\":{\"tier\":premium}}", "not JSON: 'p' is an invalid start of a value.", 1, 17)]
    [InlineData("{\n  \"user\": {\n    \"tier\": ]\n  }\n}", "not JSON: ']' is an invalid start of a value.", 3, 13)]
    public async Task The_playground_places_a_json_error_in_the_typed_text(string context, string error, int line, int column)
    {
        var answer = await ResolveAsync("checkout-banner", context);

        Assert.Equal((false, error, line, column), ((bool)answer["valid"]!, (string?)answer["error"], (int)answer["line"]!, (int)answer["column"]!));
    }

    [Fact]
    public async Task The_playground_reports_a_context_the_schema_refuses()
    {
        var answer = await ResolveAsync("checkout-banner", """{"user":{"id":42,"tier":"premium"},"request":{"country":"DE"},"cart":{"items":3}}""");

        // schemas/context.schema.json: user.id is a string.
        Assert.False((bool)answer["valid"]!);
        Assert.Equal("context /user/id", (string?)answer["location"]);
        Assert.EndsWith("42 is not of type \"string\"", (string?)answer["error"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_dashboard_is_refused_to_a_foreign_origin_a_rebinding_host_and_a_missing_token()
    {
        using var foreign = new HttpRequestMessage(HttpMethod.Post, Url("dashboard/api/playground/resolve"))
        {
            Content = new StringContent("""{"store":"config","variable":"checkout-banner","context":"{}"}""", Encoding.UTF8, "text/plain"),
        };
        foreign.Headers.Add("Origin", "http://evil.example");
        using var refused = await Http.SendAsync(foreign);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        using var rebinding = new HttpRequestMessage(HttpMethod.Get, Url("dashboard/"));
        rebinding.Headers.Host = "attacker.example";
        using var rebound = await Http.SendAsync(rebinding);
        Assert.Equal(HttpStatusCode.Forbidden, rebound.StatusCode);

        var data = TempFolders.New("cr-e2e-dashboard-token-");
        const string token = "dashboard-token-0123";
        var endpoint = await runtime.StartRuntimeAsync(data, appPort: null, apiToken: token);
        foreach (var path in new[] { "dashboard/", "dashboard/dashboard.js", "dashboard/api/overview" })
        {
            using var anonymous = await Http.GetAsync(new Uri(endpoint, path));
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            using var withToken = new HttpRequestMessage(HttpMethod.Get, new Uri(endpoint, path));
            withToken.Headers.Add("dapr-api-token", token);
            using var allowed = await Http.SendAsync(withToken);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }
    }

    [Fact]
    public async Task The_page_keeps_to_its_own_origin_and_unknown_files_are_not_found()
    {
        using var page = await Http.GetAsync(Url("dashboard/"));
        Assert.Equal("text/html; charset=utf-8", page.Content.Headers.ContentType!.ToString());
        Assert.StartsWith("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());

        foreach (var path in new[] { "dashboard/../appsettings.json", "dashboard/%2e%2e%2fProgram.cs", "dashboard/missing.js", "dashboard/Dashboard.JS" })
        {
            using var response = await Http.GetAsync(Url(path));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    private async Task<JsonObject> OrdersAsync()
    {
        var subscriptions = await Http.GetFromJsonAsync<JsonArray>(Url("dashboard/api/subscriptions"));
        return Assert.Single(subscriptions!, s => (string?)s!["topic"] == "orders")!.AsObject();
    }

    private async Task<JsonObject> ResolveAsync(string variable, string context)
    {
        using var response = await Http.PostAsJsonAsync(Url("dashboard/api/playground/resolve"), new JsonObject { ["store"] = "config", ["variable"] = variable, ["context"] = context });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }
}
