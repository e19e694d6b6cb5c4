using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// VTX plugins inside the server: the example guest book plugin (examples/plugins/guestbook, shipped beside the server
/// and loaded with the embedded defaults) answers under its entrypoint, keeps its table in the server's database
/// component, and with <c>--plugin-auth</c> the plugins' authenticate chain guards the API; a JavaScript plugin built
/// with componentize-js (tests/Vtx.Tests/plugins/js) serves from <c>--plugins</c>.
/// </summary>
[Collection(RuntimeGroup.Name)]
public sealed class PluginTests(RuntimeProcesses runtime)
{
    private HttpClient Http => runtime.Http;

    private Uri Url(string path) => new(runtime.RuntimeEndpoint, path);

    [Fact]
    public async Task Guest_book_plugin_signs_and_lists_under_its_entrypoint()
    {
        var name = "guest-" + Guid.NewGuid().ToString("N")[..8];

        using var sign = await Http.PostAsync(Url($"guestbook?name={name}"), null);
        var entries = await Http.GetFromJsonAsync<JsonArray>(Url("guestbook"));

        Assert.Equal(HttpStatusCode.Created, sign.StatusCode);
        Assert.Equal("""{"signed":1}""", await sign.Content.ReadAsStringAsync());
        Assert.Contains(entries!, e => e!["name"]!.GetValue<string>() == name);
    }

    [Fact]
    public async Task Plugin_table_is_in_the_servers_database_component()
    {
        var name = "db-" + Guid.NewGuid().ToString("N")[..8];
        (await Http.PostAsync(Url($"guestbook?name={name}"), null)).Dispose();

        using var query = await Http.PostAsync(Url("v1.0-alpha1/database/database/query"),
            new StringContent($$$"""{"sql":"SELECT name FROM guestbook_entries WHERE name = ?","params":["{{{name}}}"]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, query.StatusCode);
        Assert.Equal($$$"""[{"name":"{{{name}}}"}]""", (await query.Content.ReadFromJsonAsync<JsonArray>())!.ToJsonString());
    }

    [Fact]
    public async Task Paths_no_plugin_serves_are_404_with_an_error_body()
    {
        using var response = await Http.GetAsync(Url("no-such-plugin/x"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("\"error\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plugin_auth_refuses_api_calls_no_plugin_authenticates_but_not_health_checks()
    {
        var data = TempFolders.New("cr-e2e-plugin-auth-");
        var endpoint = await runtime.StartRuntimeAsync(data, appPort: null, apiToken: null, "--plugin-auth");

        using var denied = await Http.GetAsync(new Uri(endpoint, "v1.0/state/statestore/k"));
        using var health = await Http.GetAsync(new Uri(endpoint, "v1.0/healthz"));

        // The guest book plugin authenticates nobody (it answers 401, "try the next"), so no caller gets through.
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        Assert.Equal("ERR_UNAUTHORIZED", (await denied.Content.ReadFromJsonAsync<JsonObject>())!["errorCode"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, health.StatusCode);

        // The gRPC API is behind the same chain: Unauthenticated.
        using var channel = DaprGrpc.Channel(runtime.GrpcEndpoint(endpoint));
        var refused = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => DaprGrpc.Stub(channel).GetStateAsync(new Dapr.Client.Autogen.Grpc.v1.GetStateRequest { StoreName = "statestore", Key = "k" }).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Equal("ERR_UNAUTHORIZED", DaprGrpc.ErrorInfo(refused).Reason);
    }

    [Fact]
    public async Task A_restart_takes_the_plugin_module_from_the_compiled_module_cache_under_data()
    {
        var data = TempFolders.New("cr-e2e-module-cache-");
        var first = await runtime.StartRuntimeAsync(data, appPort: null, apiToken: null);
        var cache = Path.Combine(data, "vtx-module-cache");
        // The example plugins: one module, one compiled file.
        var file = Assert.Single(Directory.GetFiles(cache, "*.cwasm"));
        var writtenAt = File.GetLastWriteTimeUtc(file);
        var process = runtime.RuntimeProcess(first);
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();

        var second = await runtime.StartRuntimeAsync(data, appPort: null, apiToken: null);
        using var entries = await Http.GetAsync(new Uri(second, "guestbook"));

        Assert.Equal(HttpStatusCode.OK, entries.StatusCode);
        // A compilation would have replaced the file.
        Assert.Equal([file], Directory.GetFiles(cache, "*.cwasm"));
        Assert.Equal(writtenAt, File.GetLastWriteTimeUtc(file));
    }

    [Fact]
    public async Task A_javascript_plugin_built_with_componentize_js_serves_from_the_plugins_folder()
    {
        var component = BuildJavaScriptPlugin();
        var root = TempFolders.New("cr-e2e-js-plugin-");
        var plugins = Directory.CreateDirectory(Path.Combine(root, "plugins")).FullName;
        File.Copy(component, Path.Combine(plugins, "js-notes.wasm"));
        var endpoint = runtime.StartRuntime(Path.Combine(root, "data"), appPort: null, apiToken: null, "--plugins", plugins);
        // The 12 MB component compiles at start (about 10 to 40 s on a busy machine) before the server answers.
        await runtime.WaitForRuntimeAsync(endpoint, TimeSpan.FromMinutes(3));

        // The same answers as the Node oracle gives for these calls (tests/Vtx.Tests/Host/NodeOracleTests.cs).
        Assert.Equal("201 {\"inserted\":1}", await Call(HttpMethod.Post, new Uri(endpoint, "js-notes/add?hello")));
        Assert.Equal("200 [{\"id\":1,\"score\":1.5,\"tag\":null,\"title\":\"hello\"}]", await Call(HttpMethod.Get, new Uri(endpoint, "js-notes")));
        Assert.Equal("200 5:ell", await Call(HttpMethod.Get, new Uri(endpoint, "js-notes/copy?hello")));
        Assert.Equal("400 SQL Error: no such table: missing", await Call(HttpMethod.Get, new Uri(endpoint, "js-notes/bad-sql")));
        Assert.Equal("502 fetch refused", await Call(HttpMethod.Get, new Uri(endpoint, "js-notes/fetch")));
        Assert.Equal("200 call 1 of this instance", await Call(HttpMethod.Get, new Uri(endpoint, "js-notes/calls")));
        Assert.Equal("200 call 1 of this instance", await Call(HttpMethod.Get, new Uri(endpoint, "js-notes/calls")));
    }

    private async Task<string> Call(HttpMethod method, Uri url)
    {
        using var request = new HttpRequestMessage(method, url);
        using var response = await Http.SendAsync(request);
        return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
    }

    /// <summary>The JavaScript test plugin, built by its build.sh (skipped when unchanged); skips the test without node and its npm packages.</summary>
    private static string BuildJavaScriptPlugin()
    {
        var output = Path.Combine(Path.GetTempPath(), "vtx-js-plugin");
        var script = Path.Combine(RuntimeProcesses.RepositoryRoot, "tests", "Vtx.Tests", "plugins", "js", "build.sh");
        using var build = Process.Start(new ProcessStartInfo("bash", [script, output]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var error = build.StandardError.ReadToEndAsync();
        build.StandardOutput.ReadToEnd();
        build.WaitForExit();
        Assert.SkipWhen(build.ExitCode != 0, $"The JavaScript test plugin could not be built (run .ci/setup/vtx-js-plugin.sh): {error.Result.Trim()}");
        return Path.Combine(output, "js-notes.component.wasm");
    }
}
