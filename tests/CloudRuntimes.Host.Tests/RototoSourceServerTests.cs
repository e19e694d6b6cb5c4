using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// The server's rototo configuration store holds the rototo source rules (issue #12), against the real server
/// process: a <c>--config-source</c> folder with a link that leaves it is refused as <c>rototo lint</c> refuses it,
/// snapshot folders of a killed server are removed by the next start, refresh failures are logged with the source
/// and the reason, and a custom lint pass that would run for ever leaves no thread burning CPU after a refresh.
/// </summary>
public sealed class RototoSourceServerTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("cr-rototo-source-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private string Workspace => Path.Combine(_root, "workspace");

    private string Data => Path.Combine(_root, "data");

    public ValueTask InitializeAsync()
    {
        Write("rototo-workspace.toml", "schema_version = 1\n");
        Write("variables/message.toml", "schema_version = 1\ntype = \"string\"\n\n[values]\ndefault = \"hello\"\n\n[resolve]\ndefault = \"default\"\n");
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        Directory.Delete(_root, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Config_source_with_a_link_leaving_the_workspace_is_refused_like_rototo_lint()
    {
        File.WriteAllText(Path.Combine(_root, "outside.schema.json"), """{"type":"object"}""");
        Directory.CreateDirectory(Path.Combine(Workspace, "schemas"));
        File.CreateSymbolicLink(Path.Combine(Workspace, "schemas", "context.schema.json"), Path.Combine(_root, "outside.schema.json"));

        await using var server = ServerProcess.Start(Data, null, "--config-source", Workspace);

        Assert.Equal(1, await server.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        // rototo lint DIR reports this diagnostic for the same folder (rototo.md §2.1 path containment).
        Assert.Contains($"error: component 'config' (configuration.rototo) cannot load workspace '{Workspace}': workspace lint failed", server.Output, StringComparison.Ordinal);
        Assert.Contains("failed to read schemas/context.schema.json: path escapes workspace", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Snapshot_folders_of_a_killed_server_are_removed_by_the_next_start()
    {
        var temp = Directory.CreateDirectory(Path.Combine(_root, "tmp")).FullName;
        var environment = new Dictionary<string, string> { ["TMPDIR"] = temp };

        await using (var killed = ServerProcess.Start(Data, environment, "--config-source", Workspace))
        {
            await killed.WaitHealthyAsync(_http);
            await killed.KillAsync();
        }
        var left = Assert.Single(Snapshots(temp));

        await using var next = ServerProcess.Start(Data, environment, "--config-source", Workspace);
        await next.WaitHealthyAsync(_http);

        var now = Assert.Single(Snapshots(temp));
        Assert.NotEqual(left, now);
        Assert.Equal("hello", await MessageAsync(next));
    }

    [Fact]
    public async Task Refresh_failures_are_logged_with_the_source_and_the_reason()
    {
        await using var server = StartRefreshingEverySecond();
        await server.WaitHealthyAsync(_http);

        Write("variables/message.toml", "schema_version = 1\ntype = \"string\"\n[values\n");

        // One warning line names the source; the reason (the lint diagnostics) follows in the same message.
        var line = await server.WaitForLineAsync(TimeSpan.FromSeconds(30), "warn", $"rototo workspace {Workspace} refresh failed");
        Assert.Contains("still serving the last good workspace", line, StringComparison.Ordinal);
        await server.WaitForOutputAsync(TimeSpan.FromSeconds(5), "failed to parse variables/message.toml");
        Assert.Equal("hello", await MessageAsync(server));
    }

    [Fact]
    public async Task Custom_lint_that_would_backtrack_for_ever_leaves_no_thread_burning_after_a_refresh()
    {
        await using var server = StartRefreshingEverySecond();
        await server.WaitHealthyAsync(_http);

        Write("lint/hostile.lua", "function register(lint)\n  local _ = (\"a\"):rep(30000):find(\".-.-.-.-.-.-.-b\")\nend\n");

        await server.WaitForLineAsync(TimeSpan.FromSeconds(30), $"rototo workspace {Workspace} refresh failed");
        await server.WaitForOutputAsync(TimeSpan.FromSeconds(5), "custom lint exceeded Lua execution limits");
        // The next attempt comes after the failure backoff (5 s) and the period: until then the server is idle.
        await Task.Delay(500);
        var before = server.CpuTime();
        await Task.Delay(2000);
        var used = server.CpuTime() - before;
        Assert.True(used < TimeSpan.FromMilliseconds(400), $"the server used {used.TotalMilliseconds} ms of CPU in the 2 s after the failed refresh");
        Assert.Equal("hello", await MessageAsync(server));
    }

    [Fact]
    public async Task A_context_the_schema_pattern_would_match_for_ever_is_refused_and_the_server_keeps_answering()
    {
        Write("schemas/context.schema.json", """{"properties":{"user":{"properties":{"id":{"type":"string","pattern":"^(a+)+$"}}}}}""");
        await using var server = ServerProcess.Start(Data, null, "--config-source", Workspace);
        await server.WaitHealthyAsync(_http);

        // 40 'a's and a '!': about 2^40 backtracking steps without the 100 ms match timeout (docs/security.md).
        var evil = new string('a', 40) + "!";
        using var refused = await _http.GetAsync(new Uri(server.Endpoint, $"v1.0/configuration/config?key=message&metadata.context.user.id={evil}"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var error = (await refused.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!;
        Assert.Equal("ERR_MALFORMED_REQUEST", (string?)error["errorCode"]);
        Assert.Equal($"configuration store config: resolve context does not match schema: \"{new string('a', 40)}…\" took longer than 100 ms to match \"^(a+)+$\"", (string?)error["message"]);
        Assert.Equal("hello", await MessageAsync(server));
    }

    /// <summary>A server whose only component is <c>config</c>, refreshing the workspace every second.</summary>
    private ServerProcess StartRefreshingEverySecond() => ServerProcess.StartWithConfigRefreshingEverySecond(_root, Workspace);

    private async Task<string> MessageAsync(ServerProcess server)
    {
        var items = await _http.GetFromJsonAsync<JsonObject>(new Uri(server.Endpoint, "v1.0/configuration/config?key=message"));
        return items!["message"]!["value"]!.GetValue<string>();
    }

    private static string[] Snapshots(string temp) => Directory.GetDirectories(temp, "rototo-snapshot-*");

    private void Write(string relative, string text)
    {
        var path = Path.Combine(Workspace, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
