using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// The example app (<c>examples/StorefrontApp</c>) and the real server as two processes: rototo configuration through
/// <c>IOptionsMonitor</c>, a rototo feature gate, health checks and <c>CloudRuntimesClient</c>; a workspace change reaches
/// the running app without a restart, and a broken change leaves it serving the last good values, reported degraded.
/// </summary>
public sealed class StorefrontAppTests : IAsyncLifetime
{
    private readonly string _root = TempFolders.New("cr-storefront-app-");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private ServerProcess _server = null!;
    private AppProcess _app = null!;
    private Uri _appEndpoint = null!;

    private string Workspace => Path.Combine(_root, "workspace");

    public async ValueTask InitializeAsync()
    {
        TestFolders.Copy(Path.Combine(RuntimeProcesses.RepositoryRoot, "examples", "storefront"), Workspace);
        _server = ServerProcess.Start(Path.Combine(_root, "data"), null, "--app-id", "storefront", "--config-source", Workspace);
        await _server.WaitHealthyAsync(_http);

        _app = AppProcess.Start("examples/StorefrontApp", "StorefrontApp.dll", FreePorts.Next(),
            "--Storefront:Workspace", Workspace,
            "--Storefront:RefreshPeriod", "00:00:00.300",
            "--CloudRuntimes:Client:Endpoint", _server.Endpoint.ToString());
        _appEndpoint = _app.Endpoint;
        await WaitUntilAsync(async () => (await TryGetAsync("health")) == HttpStatusCode.OK, "the app's /health answers 200");
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        await _server.DisposeAsync();
        _http.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task A_workspace_change_reaches_the_running_apps_options_and_feature_gate()
    {
        var pid = _app.Process.Id;
        // The process context (appsettings.json) is a free shopper in the US: the standard banner, 50 items.
        Assert.Equal(("Secure checkout", 50), await CheckoutAsync());
        Assert.Equal(HttpStatusCode.NotFound, await ExpressAsync("free"));
        Assert.Equal(HttpStatusCode.OK, await ExpressAsync("premium"));

        File.WriteAllText(Path.Combine(Workspace, "variables", "checkout-banner.toml"), """
            schema_version = 1
            type = "string"

            [values]
            standard = "Night owls check out faster"

            [resolve]
            default = "standard"
            """);
        File.WriteAllText(Path.Combine(Workspace, "variables", "express-checkout.toml"), """
            schema_version = 1
            type = "bool"

            [values]
            on = true

            [resolve]
            default = "on"
            """);

        await WaitUntilAsync(async () => (await CheckoutAsync()).Banner == "Night owls check out faster", "the new banner reaches IOptionsMonitor");
        await WaitUntilAsync(async () => await ExpressAsync("free") == HttpStatusCode.OK, "the feature gate opens for everyone");
        Assert.Equal(pid, _app.Process.Id);
        Assert.False(_app.Process.HasExited);
    }

    [Fact]
    public async Task Orders_go_through_CloudRuntimesClient_to_the_servers_state_store()
    {
        using var put = await _http.PutAsJsonAsync(new Uri(_appEndpoint, "orders/o-17"), new { item = "tea", quantity = 3 });
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);

        var viaApp = await _http.GetFromJsonAsync<JsonObject>(new Uri(_appEndpoint, "orders/o-17"));
        var viaServer = await _http.GetFromJsonAsync<JsonObject>(new Uri(_server.Endpoint, "v1.0/state/statestore/order-o-17"));

        Assert.Equal("""{"item":"tea","quantity":3}""", viaApp!.ToJsonString());
        Assert.Equal("""{"item":"tea","quantity":3}""", viaServer!.ToJsonString());
        Assert.Equal(HttpStatusCode.NotFound, await TryGetAsync("orders/none"));
    }

    [Fact]
    public async Task Health_reports_the_workspace_and_the_runtime_and_a_broken_change_degrades_without_losing_values()
    {
        var healthy = await HealthAsync();
        Assert.Equal("Healthy", healthy["status"]!.GetValue<string>());
        Assert.Equal("Healthy", healthy["checks"]!["rototo"]!["status"]!.GetValue<string>());
        Assert.Equal($"the runtime at {_server.Endpoint} is healthy", healthy["checks"]!["cloud-runtimes"]!["description"]!.GetValue<string>());

        File.WriteAllText(Path.Combine(Workspace, "variables", "checkout-banner.toml"), "type = [unfinished");

        await WaitUntilAsync(async () => (await HealthAsync())["checks"]!["rototo"]!["status"]!.GetValue<string>() == "Degraded", "the workspace check turns degraded");
        var degraded = await HealthAsync();
        Assert.Contains("refresh(es) failed", degraded["checks"]!["rototo"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(("Secure checkout", 50), await CheckoutAsync());
    }

    private async Task<(string Banner, int MaxCartItems)> CheckoutAsync()
    {
        var body = await _http.GetFromJsonAsync<JsonObject>(new Uri(_appEndpoint, "checkout"));
        return (body!["banner"]!.GetValue<string>(), body["maxCartItems"]!.GetValue<int>());
    }

    private async Task<HttpStatusCode> ExpressAsync(string tier)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_appEndpoint, "express-checkout"));
        request.Headers.Add("X-User-Tier", tier);
        using var response = await _http.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<JsonObject> HealthAsync()
    {
        using var response = await _http.GetAsync(new Uri(_appEndpoint, "health"));
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private async Task<HttpStatusCode?> TryGetAsync(string path)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(_appEndpoint, path));
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private Task WaitUntilAsync(Func<Task<bool>> condition, string what) => _app.WaitUntilAsync(condition, what);
}
