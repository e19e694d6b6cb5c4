using System.Text.Json.Nodes;

namespace Rototo.Tests.LanguageServer;

/// <summary>
/// What <c>rototo lsp</c> publishes of a workspace with many diagnostics, as a real process: each file its own first
/// 1,000 (errors first) and a first diagnostic counting the rest, whatever the file's place in the workspace; over 50,000
/// in all, an equal share each. It published the workspace's first 10,000 in rototo's order, so every file past them
/// was published clean.
/// </summary>
public sealed class LanguageServerDiagnosticBoundTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_file_past_the_workspace_first_10_000_diagnostics_gets_its_error_published()
    {
        // 60 variables of 200 values: 60 x 199 = 11,940 warnings, all in files that sort before zz.toml, whose one error
        // (a string value of an int variable, line 5 column 12 as rototo lint prints it) comes after them in rototo's order.
        using var workspace = new TempWorkspace().VariablesWithUnusedValues(60, 200)
            .Write("variables/zz.toml", "schema_version = 1\ntype = \"int\"\n\n[values]\nstandard = \"not an int\"\n\n[resolve]\ndefault = \"standard\"\n");
        await using var client = LspClient.Start(workspace.Root);

        // The manifest and 61 variables.
        var published = await InitializedAsync(client, workspace.Root, 62);

        var error = Assert.Single(published[UriOf(workspace, "variables/zz.toml")])!;
        Assert.Equal(("rototo/variable-value-type-mismatch", 1, "value standard does not match type int"),
            (error["code"]!.GetValue<string>(), error["severity"]!.GetValue<int>(), error["message"]!.GetValue<string>()));
        Assert.Equal(4, error["range"]!["start"]!["line"]!.GetValue<int>());
        // Every variable past the first 10,000 diagnostics (v0050 onwards) has all of its 199 warnings, and no count.
        for (var v = 0; v < 60; v++)
        {
            var list = published[UriOf(workspace, $"variables/v{v:D4}.toml")];
            Assert.Equal(199, list.Count);
            Assert.Equal("variable value is not referenced: value-199", list[^1]!["message"]!.GetValue<string>());
        }
        Assert.Empty(published[UriOf(workspace, "rototo-workspace.toml")]);
    }

    [Fact]
    public async Task A_file_of_more_than_1_000_diagnostics_gets_its_error_and_first_warnings_then_an_empty_list_once_clean()
    {
        // 1,500 values, none used (default names a missing one): 1,500 warnings on lines 4-1503 (0-based) and one error on
        // line 1506. Kept: the error first, then the first 999 warnings (value-0000 … value-0998); 501 warnings not shown.
        var text = new System.Text.StringBuilder("schema_version = 1\ntype = \"int\"\n\n[values]\n");
        for (var i = 0; i < 1_500; i++)
        {
            text.Append($"value-{i:D4} = {i}\n");
        }
        text.Append("\n[resolve]\ndefault = \"missing\"\n");
        using var workspace = new TempWorkspace().Write("variables/big.toml", text.ToString());
        await using var client = LspClient.Start(workspace.Root);
        var uri = UriOf(workspace, "variables/big.toml");

        var list = (await InitializedAsync(client, workspace.Root, 2))[uri];

        Assert.Equal(1 + 1_000, list.Count);
        var count = list[0]!;
        Assert.Equal("... 501 more diagnostics not shown in this file (0 error(s), 501 warning(s)): rototo lint lists them", count["message"]!.GetValue<string>());
        Assert.Equal((2, "rototo"), (count["severity"]!.GetValue<int>(), count["source"]!.GetValue<string>()));
        Assert.Equal("""{"start":{"line":0,"character":0},"end":{"line":0,"character":0}}""", count["range"]!.ToJsonString());
        Assert.Null(count["code"]);
        var warnings = list.Skip(1).Take(999).ToList();
        Assert.All(warnings, w => Assert.Equal("rototo/variable-value-unused", w!["code"]!.GetValue<string>()));
        Assert.Equal(Enumerable.Range(0, 999).Select(i => $"variable value is not referenced: value-{i:D4}"), warnings.Select(w => w!["message"]!.GetValue<string>()));
        Assert.Equal(Enumerable.Range(4, 999), warnings.Select(w => w!["range"]!["start"]!["line"]!.GetValue<int>()));
        var error = list[^1]!;
        Assert.Equal(("rototo/variable-unknown-value", 1, 1506), (error["code"]!.GetValue<string>(), error["severity"]!.GetValue<int>(), error["range"]!["start"]!["line"]!.GetValue<int>()));

        // The file made clean (unsaved): its URI gets an empty list.
        var clean = "schema_version = 1\ntype = \"int\"\n\n[values]\nvalue-0000 = 0\n\n[resolve]\ndefault = \"value-0000\"\n";
        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "toml", version = 1, text = clean } });
        Assert.Empty((await client.PublishedAsync(2, Timeout))[uri]);
    }

    [Fact]
    public async Task Past_50_000_diagnostics_in_all_every_file_keeps_an_equal_share_and_counts_the_rest()
    {
        // 300 x 199 = 59,700 warnings; the largest equal share within 50,000 is 50,000 / 300 = 166 (49,800 kept), so each
        // file keeps value-001 … value-166 and counts 199 - 166 = 33.
        using var workspace = new TempWorkspace().VariablesWithUnusedValues(300, 200);
        await using var client = LspClient.Start(workspace.Root);

        var published = await InitializedAsync(client, workspace.Root, 301);

        for (var v = 0; v < 300; v++)
        {
            var list = published[UriOf(workspace, $"variables/v{v:D4}.toml")];
            Assert.Equal(1 + 166, list.Count);
            Assert.Equal("... 33 more diagnostics not shown in this file (0 error(s), 33 warning(s)): rototo lint lists them", list[0]!["message"]!.GetValue<string>());
            Assert.Equal("variable value is not referenced: value-166", list[^1]!["message"]!.GetValue<string>());
        }
    }

    /// <summary>Initializes the server on <paramref name="root"/> and reads the first re-lint's publishes, one per document.</summary>
    private static async Task<Dictionary<string, JsonArray>> InitializedAsync(LspClient client, string root, int documents)
    {
        await client.RequestAsync("initialize", new { rootUri = new Uri(root).AbsoluteUri, capabilities = new { } });
        await client.NotifyAsync("initialized", new { });
        var published = await client.PublishedAsync(documents, Timeout);
        Assert.Equal(documents, published.Count);
        return published;
    }

    private static string UriOf(TempWorkspace workspace, string path) => new Uri(Path.Combine(workspace.Root, path)).AbsoluteUri;
}
