using System.Text.Json.Nodes;

namespace Rototo.Tests.LanguageServer;

/// <summary><c>rototo lsp</c> as a real process driven by a JSON-RPC client (rototo.md §16).</summary>
public sealed class LanguageServerTests
{
    private const string Qualifier = "schema_version = 1\ndescription = \"Users on the premium plan\"\n\n[[predicate]]\nattribute = \"user.tier\"\nop = \"eq\"\nvalue = \"premium\"\n";

    private const string Variable = "schema_version = 1\ntype = \"string\"\n\n[values]\ncontrol = \"a\"\npremium = \"b\"\n\n[resolve]\ndefault = \"control\"\n\n[[resolve.rule]]\nqualifier = \"premium-users\"\nvalue = \"premium\"\n";

    private static TempWorkspace Workspace() => new TempWorkspace()
        .Write("schemas/context.schema.json", """{"type":"object","properties":{"user":{"type":"object","properties":{"tier":{"type":"string"}}}}}""")
        .Write("qualifiers/premium-users.toml", Qualifier)
        .Write("variables/message.toml", Variable);

    private static object At(string uri, int line, int character) => new { textDocument = new { uri }, position = new { line, character } };

    [Fact]
    public async Task Client_session_gets_diagnostics_hover_definition_completion_and_a_clean_exit()
    {
        using var workspace = Workspace();
        await using var client = LspClient.Start(workspace.Root);
        var rootUri = new Uri(workspace.Root).AbsoluteUri;
        var variableUri = new Uri(Path.Combine(workspace.Root, "variables", "message.toml")).AbsoluteUri;
        var qualifierUri = new Uri(Path.Combine(workspace.Root, "qualifiers", "premium-users.toml")).AbsoluteUri;

        var initialized = await client.RequestAsync("initialize", new { processId = (int?)null, rootUri, capabilities = new { } });
        Assert.Equal("utf-16", initialized!["capabilities"]!["positionEncoding"]!.GetValue<string>());
        Assert.Equal(1, initialized["capabilities"]!["textDocumentSync"]!["change"]!.GetValue<int>());
        Assert.Equal("rototo", initialized["serverInfo"]!["name"]!.GetValue<string>());
        await client.NotifyAsync("initialized", new { });

        // A broken variable file, unsaved: default names a value that does not exist.
        var broken = Variable.Replace("default = \"control\"", "default = \"missing\"", StringComparison.Ordinal);
        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri = variableUri, languageId = "toml", version = 1, text = broken } });
        var diagnostics = await client.DiagnosticsAsync(variableUri, list => list.Count > 0);
        // `control` is no longer referenced either.
        Assert.Equal(["rototo/variable-unknown-value", "rototo/variable-value-unused"], diagnostics.Select(d => d!["code"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var diagnostic = diagnostics.Single(d => d!["code"]!.GetValue<string>() == "rototo/variable-unknown-value")!;
        Assert.Equal(("rototo/variable-unknown-value", 1, "rototo", "resolve default references unknown value: missing"),
            (diagnostic["code"]!.GetValue<string>(), diagnostic["severity"]!.GetValue<int>(), diagnostic["source"]!.GetValue<string>(), diagnostic["message"]!.GetValue<string>()));
        Assert.Equal("""{"start":{"line":8,"character":10},"end":{"line":8,"character":19}}""", diagnostic["range"]!.ToJsonString());
        Assert.Equal("reference", diagnostic["data"]!["stage"]!.GetValue<string>());

        // Line 11 (0-based) is `qualifier = "premium-users"`.
        var hover = await client.RequestAsync("textDocument/hover", At(variableUri, 11, 15));
        Assert.Contains("**qualifier** `premium-users`", hover!["contents"]!["value"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("Users on the premium plan", hover["contents"]!["value"]!.GetValue<string>(), StringComparison.Ordinal);

        var definition = await client.RequestAsync("textDocument/definition", At(variableUri, 11, 15));
        Assert.Equal(qualifierUri, Assert.Single(definition!.AsArray())!["uri"]!.GetValue<string>());

        // Line 12 is `value = "premium"`: its definition is the `premium = "b"` item on line 5.
        var valueDefinition = await client.RequestAsync("textDocument/definition", At(variableUri, 12, 10));
        Assert.Equal("""{"start":{"line":5,"character":0},"end":{"line":5,"character":13}}""", Assert.Single(valueDefinition!.AsArray())!["range"]!.ToJsonString());

        var completion = await client.RequestAsync("textDocument/completion", At(variableUri, 11, 13));
        Assert.Equal(["premium-users", "control", "premium"], completion!.AsArray().Select(i => i!["label"]!.GetValue<string>()));

        var qualifierCompletion = await client.RequestAsync("textDocument/completion", At(qualifierUri, 5, 6));
        Assert.Equal(["premium-users", "bucket", "eq", "gt", "gte", "in", "lt", "lte", "neq", "not_in"], qualifierCompletion!.AsArray().Select(i => i!["label"]!.GetValue<string>()));

        var references = await client.RequestAsync("textDocument/references", new { textDocument = new { uri = qualifierUri }, position = new { line = 0, character = 0 }, context = new { includeDeclaration = false } });
        var reference = Assert.Single(references!.AsArray())!;
        Assert.Equal((variableUri, """{"start":{"line":11,"character":12},"end":{"line":11,"character":27}}"""), (reference["uri"]!.GetValue<string>(), reference["range"]!.ToJsonString()));

        var symbols = await client.RequestAsync("textDocument/documentSymbol", new { textDocument = new { uri = variableUri } });
        var variable = Assert.Single(symbols!.AsArray())!;
        Assert.Equal(("message", 13), (variable["name"]!.GetValue<string>(), variable["kind"]!.GetValue<int>()));
        Assert.Equal(["values", "resolve"], variable["children"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));

        // Fixing the text clears the diagnostics.
        await client.NotifyAsync("textDocument/didChange", new { textDocument = new { uri = variableUri, version = 2 }, contentChanges = new[] { new { text = Variable } } });
        await client.DiagnosticsAsync(variableUri, list => list.Count == 0);

        // Clients send shutdown and exit without params.
        Assert.Null(await client.RequestAsync("shutdown"));
        await client.NotifyAsync("exit");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await client.Process.WaitForExitAsync(timeout.Token);
        Assert.Equal(0, client.Process.ExitCode);
    }

    [Fact]
    public async Task An_open_document_not_yet_on_disk_is_linted_as_a_workspace_document()
    {
        // §2.1: LSP overlay documents not on disk come after the discovered ones; §16: each change re-lints with overlays.
        using var workspace = Workspace();
        await using var client = LspClient.Start(workspace.Root);
        await client.RequestAsync("initialize", new { rootUri = new Uri(workspace.Root).AbsoluteUri, capabilities = new { } });
        await client.NotifyAsync("initialized", new { });
        var newUri = new Uri(Path.Combine(workspace.Root, "qualifiers", "new-one.toml")).AbsoluteUri;

        var text = Qualifier.Replace("op = \"eq\"", "op = \"eqq\"", StringComparison.Ordinal);
        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri = newUri, languageId = "toml", version = 1, text } });
        var diagnostics = await client.DiagnosticsAsync(newUri, list => list.Any(d => d!["code"]!.GetValue<string>() == "rototo/qualifier-predicate-unknown-op"));

        Assert.Contains(diagnostics, d => d!["code"]!.GetValue<string>() == "rototo/qualifier-predicate-unknown-op");
        Assert.False(File.Exists(Path.Combine(workspace.Root, "qualifiers", "new-one.toml")));
    }

    [Fact]
    public async Task Failed_and_unknown_requests_are_errors_and_the_server_keeps_running()
    {
        using var workspace = Workspace();
        await using var client = LspClient.Start(workspace.Root);
        var early = await Assert.ThrowsAsync<StreamJsonRpc.RemoteInvocationException>(() => client.RequestAsync("textDocument/hover", new { textDocument = new { uri = "file:///x.toml" }, position = new { line = 0, character = 0 } }));
        Assert.Equal((-32603, "rototo LSP request failed: the server is not initialized"), (early.ErrorCode, early.Message));
        await client.RequestAsync("initialize", new { rootUri = new Uri(workspace.Root).AbsoluteUri, capabilities = new { } });

        var error = await Assert.ThrowsAsync<StreamJsonRpc.RemoteMethodNotFoundException>(() => client.RequestAsync("textDocument/rename", new { }));
        Assert.Equal((-32601, "method not found"), ((int)error.ErrorCode, error.Message));

        Assert.Null(await client.RequestAsync("shutdown", new { }));
    }

    [Fact]
    public async Task Root_from_workspace_folders_lint_file_selectors_and_qualifier_outline()
    {
        using var workspace = Workspace().Write("lint/rules.lua", "function register(lint) end\n");
        await using var client = LspClient.Start(Path.GetTempPath());
        var lintUri = new Uri(Path.Combine(workspace.Root, "lint", "rules.lua")).AbsoluteUri;
        var qualifierUri = new Uri(Path.Combine(workspace.Root, "qualifiers", "premium-users.toml")).AbsoluteUri;
        await client.RequestAsync("initialize", new { workspaceFolders = new[] { new { uri = new Uri(workspace.Root).AbsoluteUri, name = "ws" } }, capabilities = new { } });
        await client.NotifyAsync("initialized", new { });

        var unregistered = await client.DiagnosticsAsync(lintUri, list => list.Count > 0);
        Assert.Equal(("rototo/custom-lint-file-unregistered", 2), (unregistered[0]!["code"]!.GetValue<string>(), unregistered[0]!["severity"]!.GetValue<int>()));
        Assert.Equal("""{"start":{"line":0,"character":0},"end":{"line":0,"character":0}}""", unregistered[0]!["range"]!.ToJsonString());

        var selectors = await client.RequestAsync("textDocument/completion", new { textDocument = new { uri = lintUri }, position = new { line = 0, character = 0 } });
        Assert.Equal(["description", "extends", "id", "json", "json.", "key", "predicates", "resolve", "schema", "type", "value", "value.", "values"],
            selectors!.AsArray().Select(i => i!["label"]!.GetValue<string>()));

        var symbols = await client.RequestAsync("textDocument/documentSymbol", new { textDocument = new { uri = qualifierUri } });
        var qualifier = Assert.Single(symbols!.AsArray())!;
        Assert.Equal(("premium-users", 19), (qualifier["name"]!.GetValue<string>(), qualifier["kind"]!.GetValue<int>()));
        var predicate = Assert.Single(qualifier["children"]!.AsArray())!;
        Assert.Equal(("[0] user.tier eq", 17), (predicate["name"]!.GetValue<string>(), predicate["kind"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Exit_without_shutdown_ends_with_exit_code_1()
    {
        using var workspace = Workspace();
        await using var client = LspClient.Start(workspace.Root);
        await client.RequestAsync("initialize", new { rootUri = new Uri(workspace.Root).AbsoluteUri, capabilities = new { } });

        await client.NotifyAsync("exit", new { });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await client.Process.WaitForExitAsync(timeout.Token);

        Assert.Equal(1, client.Process.ExitCode);
    }

    [Fact]
    public async Task A_message_over_4_MiB_is_refused_before_its_body_and_ends_the_session_with_exit_code_1()
    {
        using var workspace = Workspace();
        using var process = System.Diagnostics.Process.Start(LspClient.StartInfo(workspace.Root))!;
        var errors = process.StandardError.ReadToEndAsync();

        // 4 MiB + 1 byte announced; only the start of the body is ever sent.
        await process.StandardInput.BaseStream.WriteAsync(System.Text.Encoding.ASCII.GetBytes("Content-Length: 4194305\r\n\r\n{\"jsonrpc\":\"2.0\""));
        await process.StandardInput.BaseStream.FlushAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(1, process.ExitCode);
        Assert.Contains("a message of 4194305 bytes is over the limit of 4194304 bytes (4 MiB)", await errors, StringComparison.Ordinal);
    }
}
