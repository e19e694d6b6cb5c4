using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// The rototo configuration store over a legal workspace that raises a hundred times more lint warnings than it has
/// files, against the real server with a capped GC heap: a load needs only to know whether lint found errors (and the
/// first 20 to list) and how many warnings, so it counts diagnostics and keeps none of the warnings. Every diagnostic
/// was kept until lint ended, about 600 bytes each: a million warnings from 20 MB of TOML held 600 MB on every load and
/// refresh.
/// </summary>
public sealed class RototoLintMemoryTests : IDisposable
{
    /// <summary>Variables of the workspace: 1,000 x 199 unused values, about 4 MB of TOML.</summary>
    private const int Variables = 1_000;

    private const int ValuesPerVariable = 200;

    private readonly string _root = TempFolders.New("cr-e2e-rototo-lint-memory-");

    [Fact]
    public async Task Workspace_with_199_000_lint_warnings_loads_within_a_heap_bound_from_its_size()
    {
        var workspace = Path.Combine(_root, "workspace");
        var inputBytes = WriteWorkspace(workspace);
        var environment = new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = $"0x{HeapBound(inputBytes):x}" };
        await using var server = ServerProcess.StartWithConfig(_root, workspace, environment);
        using var http = new HttpClient();
        await server.WaitHealthyAsync(http);
        using var response = await http.GetAsync(new Uri(server.Endpoint, $"v1.0/configuration/config?key=v{Variables - 1:D4}"));

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}\n{server.Output}");
        var items = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal("0", items[$"v{Variables - 1:D4}"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task Custom_lint_passes_are_dropped_once_reported_not_held_until_every_target_ran()
    {
        // Each pass returns 8 warnings quoting one 1,000,000-character string: 16 MB of .NET strings once read from Lua.
        // A load keeps no warning, but every pass's result was held until the registration's last target had run:
        // 40 variables, 640 MB. 256 MiB holds the passes in flight (twice the worker threads), not all of them.
        var workspace = Path.Combine(_root, "workspace");
        Directory.CreateDirectory(Path.Combine(workspace, "variables"));
        Directory.CreateDirectory(Path.Combine(workspace, "lint"));
        File.WriteAllText(Path.Combine(workspace, "rototo-workspace.toml"), "schema_version = 1\n");
        for (var v = 0; v < 40; v++)
        {
            File.WriteAllText(Path.Combine(workspace, "variables", $"v{v:D4}.toml"), "schema_version = 1\ntype = \"int\"\n[values]\nstandard = 0\n[resolve]\ndefault = \"standard\"\n");
        }
        File.WriteAllText(Path.Combine(workspace, "lint", "big.lua"), """
            function check(ctx)
              local message = string.rep("x", 1000000)
              local out = {}
              for i = 1, 8 do out[i] = { message = message } end
              return out
            end
            function register(lint)
              lint:on{ stage = "policy", entity = "variable", handler = "check", rule = { id = "team/big", title = "Big", help = "Help.", severity = "warning" } }
            end
            """);

        var environment = new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x10000000" };
        await using var server = ServerProcess.StartWithConfig(_root, workspace, environment);
        using var http = new HttpClient();
        await server.WaitHealthyAsync(http);
        using var response = await http.GetAsync(new Uri(server.Endpoint, "v1.0/configuration/config?key=v0039"));

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}\n{server.Output}");
    }

    /// <summary>
    /// The heap the server may use: 64 MiB for the server itself plus 16 times the input, which holds the parsed workspace
    /// (about 11 times its size) and its runtime model, but not one kept warning (600 bytes) per 16-byte value line
    /// (<c>value-123 = 123</c>), 37 times the input.
    /// </summary>
    private static long HeapBound(long inputBytes) => (64L * 1024 * 1024) + (16 * inputBytes);

    /// <summary>Writes the manifest and the variables, each value but the default unused; returns the bytes written.</summary>
    private static long WriteWorkspace(string workspace)
    {
        Directory.CreateDirectory(Path.Combine(workspace, "variables"));
        File.WriteAllText(Path.Combine(workspace, "rototo-workspace.toml"), "schema_version = 1\n");
        long bytes = 0;
        for (var v = 0; v < Variables; v++)
        {
            var text = new StringBuilder("schema_version = 1\ntype = \"int\"\n\n[values]\n");
            for (var i = 0; i < ValuesPerVariable; i++)
            {
                text.Append($"value-{i:D3} = {i}\n");
            }
            text.Append("\n[resolve]\ndefault = \"value-000\"\n");
            File.WriteAllText(Path.Combine(workspace, "variables", $"v{v:D4}.toml"), text.ToString());
            bytes += text.Length;
        }
        return bytes;
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
