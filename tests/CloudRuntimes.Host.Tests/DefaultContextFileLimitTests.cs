using System.Net;
using System.Text.Json.Nodes;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// The rototo configuration store reads its workspace's <c>contexts/default.json</c> as the workspace's own files are
/// read, within <c>MaxFileBytes</c> (1 MiB), against the real server: a larger file is a clear error, not read.
/// </summary>
public sealed class DefaultContextFileLimitTests : IDisposable
{
    private readonly string _root = TempFolders.New("cr-e2e-default-context-");

    [Fact]
    public async Task A_default_context_file_over_one_mib_is_refused_naming_the_file_and_the_limit()
    {
        var workspace = Path.Combine(_root, "workspace");
        TestFolders.Copy(Path.Combine(RuntimeProcesses.RepositoryRoot, "examples", "storefront"), workspace);
        // {"pad":"xxx…"}: 10 bytes of JSON around the padding, 1 MiB + 1 byte in all.
        const int size = (1024 * 1024) + 1;
        await File.WriteAllTextAsync(Path.Combine(workspace, "contexts", "default.json"), $$"""{"pad":"{{new string('x', size - 10)}}"}""");

        await using var server = ServerProcess.StartWithConfigRefreshingEverySecond(_root, workspace);
        using var http = new HttpClient();
        await server.WaitHealthyAsync(http);
        using var response = await http.GetAsync(new Uri(server.Endpoint, "v1.0/configuration/config?key=checkout-banner"));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal("ERR_CONFIGURATION_GET", error["errorCode"]!.GetValue<string>());
        Assert.StartsWith(
            $"configuration store config: failed to read contexts/default.json: file is {size} bytes, over the limit of {1024 * 1024} bytes for a workspace file",
            error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
