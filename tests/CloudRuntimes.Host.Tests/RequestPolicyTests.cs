using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// The request policy against the real server process: a web page of another origin and a DNS-rebinding page
/// cannot drive the API (docs/security.md); the API token is checked for every request but the health checks.
/// </summary>
[Collection(RuntimeGroup.Name)]
public sealed class RequestPolicyTests(RuntimeProcesses runtime)
{
    private HttpClient Http => runtime.Http;

    private Uri Url(string path) => new(runtime.RuntimeEndpoint, path);

    [Fact]
    public async Task A_simple_cross_origin_post_is_refused_with_403_and_its_statement_never_runs()
    {
        var table = "t" + Guid.NewGuid().ToString("N");
        // What any web page can send without a preflight: a text/plain POST.
        using var attack = new HttpRequestMessage(HttpMethod.Post, Url("v1.0-alpha1/database/database/execute"))
        {
            Content = new StringContent($$"""{"sql":"CREATE TABLE {{table}}(x)"}""", Encoding.UTF8, "text/plain"),
        };
        attack.Headers.Add("Origin", "http://evil.example");
        using var refused = await Http.SendAsync(attack);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("ERR_ORIGIN_NOT_ALLOWED", (await refused.Content.ReadFromJsonAsync<JsonObject>())!["errorCode"]!.GetValue<string>());
        using var check = await Http.PostAsync(Url("v1.0-alpha1/database/database/query"),
            new StringContent($$"""{"sql":"SELECT count(*) AS n FROM sqlite_master WHERE name = '{{table}}'"}""", Encoding.UTF8, "application/json"));
        Assert.Equal("""[{"n":0}]""", await check.Content.ReadAsStringAsync());

        // A state write from a foreign page is refused the same way; nothing is stored.
        var key = "origin-" + Guid.NewGuid().ToString("N");
        using var write = new HttpRequestMessage(HttpMethod.Post, Url("v1.0/state/statestore"))
        {
            Content = new StringContent($$"""[{"key":"{{key}}","value":1}]""", Encoding.UTF8, "text/plain"),
        };
        write.Headers.Add("Origin", "null");
        using var writeRefused = await Http.SendAsync(write);
        Assert.Equal(HttpStatusCode.Forbidden, writeRefused.StatusCode);
        using var get = await Http.GetAsync(Url($"v1.0/state/statestore/{key}"));
        Assert.Equal(HttpStatusCode.NoContent, get.StatusCode);
    }

    [Fact]
    public async Task The_servers_own_origin_is_allowed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url("v1.0/metadata"));
        request.Headers.Add("Origin", runtime.RuntimeEndpoint.GetLeftPart(UriPartial.Authority));
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_foreign_host_name_is_refused_while_the_server_listens_on_loopback()
    {
        var port = runtime.RuntimeEndpoint.Port;
        var (status, body) = await RawHttp.SendAsync(runtime.RuntimeEndpoint, "GET", "/v1.0/metadata", host: $"attacker.example:{port}");
        Assert.Equal(403, status);
        Assert.Contains("ERR_HOST_NOT_ALLOWED", body, StringComparison.Ordinal);

        foreach (var host in new[] { $"localhost:{port}", $"127.0.0.1:{port}", $"app.localhost:{port}", "127.0.0.2" })
        {
            var (allowed, _) = await RawHttp.SendAsync(runtime.RuntimeEndpoint, "GET", "/v1.0/metadata", host: host);
            Assert.Equal(200, allowed);
        }
    }

    [Fact]
    public async Task Allowed_origins_are_served_with_cors_answers_and_others_are_refused()
    {
        var data = TempFolders.New("cr-e2e-origins-");
        var endpoint = await runtime.StartRuntimeAsync(data, appPort: null, apiToken: null, "--allowed-origins", "https://app.example:8443,http://tools.example");

        using var preflight = new HttpRequestMessage(HttpMethod.Options, new Uri(endpoint, "v1.0/state/statestore"));
        preflight.Headers.Add("Origin", "https://app.example:8443");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type");
        using var preflightResponse = await Http.SendAsync(preflight);
        Assert.True(preflightResponse.IsSuccessStatusCode, $"preflight answered {preflightResponse.StatusCode}");
        Assert.Equal("https://app.example:8443", preflightResponse.Headers.GetValues("Access-Control-Allow-Origin").Single());

        using var allowed = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint, "v1.0/state/statestore")) { Content = new StringContent("""[{"key":"k","value":1}]""", Encoding.UTF8, "application/json") };
        allowed.Headers.Add("Origin", "http://tools.example");
        using var allowedResponse = await Http.SendAsync(allowed);
        Assert.Equal(HttpStatusCode.NoContent, allowedResponse.StatusCode);

        using var other = new HttpRequestMessage(HttpMethod.Get, new Uri(endpoint, "v1.0/metadata"));
        other.Headers.Add("Origin", "https://app.example");
        using var otherResponse = await Http.SendAsync(other);
        Assert.Equal(HttpStatusCode.Forbidden, otherResponse.StatusCode);
    }

    [Fact]
    public async Task The_api_token_is_required_everywhere_but_the_health_checks()
    {
        var data = TempFolders.New("cr-e2e-token-");
        const string token = "token-0123456789";
        var endpoint = await runtime.StartRuntimeAsync(data, appPort: null, apiToken: token);

        foreach (var given in new string?[] { null, "", "token-0123456788", "token-012345678", token + "0" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(endpoint, "v1.0/metadata"));
            if (given is not null)
            {
                request.Headers.Add("dapr-api-token", given);
            }
            using var response = await Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("invalid api token", await response.Content.ReadAsStringAsync());
        }

        using var good = new HttpRequestMessage(HttpMethod.Get, new Uri(endpoint, "v1.0/metadata"));
        good.Headers.Add("dapr-api-token", token);
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(good)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Http.GetAsync(new Uri(endpoint, "v1.0/healthz"))).StatusCode);
        // A plugin route is behind the token too.
        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.GetAsync(new Uri(endpoint, "guestbook"))).StatusCode);
    }
}
