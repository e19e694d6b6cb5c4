using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Range = Rototo.LanguageServer.Protocol.Range;
using Rototo.LanguageServer.Navigation;
using Rototo.LanguageServer.Protocol;
using StreamJsonRpc;

namespace Rototo.LanguageServer;

/// <summary>
/// rototo's language server (§16): JSON-RPC 2.0 with <c>Content-Length</c> framing (StreamJsonRpc) over a pair of
/// streams, usually stdin/stdout. Every open/change/save/close re-lints the whole workspace with the unsaved texts and
/// publishes diagnostics for every document; hover, definition, references, completion and document symbols work
/// on qualifier, variable, value, resource, resource object and schema ids.
/// </summary>
public sealed class RototoLanguageServer : IDisposable
{
    /// <summary>The rototo version reported in <c>serverInfo</c>.</summary>
    public const string Version = "0.1.0-alpha.4";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TaskCompletionSource<int> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private JsonRpc? _rpc;
    private WorkspaceSession? _session;
    private bool _shutdown;

    private RototoLanguageServer()
    {
    }

    /// <summary>Serves one client until it sends <c>exit</c> or closes the input.</summary>
    /// <param name="input">Messages from the client (stdin).</param>
    /// <param name="output">Messages to the client (stdout).</param>
    /// <param name="cancellationToken">Stops serving.</param>
    /// <returns>The process exit code: 0 after <c>shutdown</c> then <c>exit</c>, 1 otherwise.</returns>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The formatter serializes only through LspJson's source-generated metadata (its TypeInfoResolver), as StreamJsonRpc's native AOT guidance asks; the LSP tests run against the native AOT rototo binary.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Same as above; the target's methods return Task or Task of a reference type, whose generic code is shared in native AOT.")]
    public static async Task<int> RunAsync(Stream input, Stream output, CancellationToken cancellationToken = default)
    {
        using var server = new RototoLanguageServer();
        var formatter = new SystemTextJsonFormatter();
        formatter.JsonSerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        formatter.JsonSerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        formatter.JsonSerializerOptions.TypeInfoResolver = LspJson.Default;
        using var rpc = new JsonRpc(new LspMessageHandler(output, new ContentLengthLimit(input), formatter));
        rpc.AddLocalRpcTarget(RpcTargetMetadata.FromClass(typeof(RototoLanguageServer)), server, new JsonRpcTargetOptions { UseSingleObjectParameterDeserialization = true });
        server._rpc = rpc;
        // A framing error (bad header, a message over 4 MiB) ends the session; say why on stderr, the LSP log channel.
        rpc.Disconnected += (_, e) =>
        {
            if (e.Exception is InvalidDataException framing)
            {
                Console.Error.WriteLine(framing.Message);
            }
        };
        rpc.StartListening();
        using var registration = cancellationToken.Register(() => server._exit.TrySetResult(1));
        var finished = await Task.WhenAny(server._exit.Task, rpc.Completion).ConfigureAwait(false);
        return finished == server._exit.Task ? await server._exit.Task.ConfigureAwait(false) : (server._shutdown ? 0 : 1);
    }

    /// <summary><c>initialize</c>: picks the root (rootUri, rootPath, first workspace folder, else the current directory).</summary>
    [JsonRpcMethod("initialize")]
    public Task<InitializeResult> InitializeAsync(InitializeParams request) => GuardAsync(() =>
    {
        var root = (request.RootUri is { } uri ? Conversions.PathOf(uri) : null)
            ?? request.RootPath
            ?? (request.WorkspaceFolders is [var first, ..] ? Conversions.PathOf(first.Uri) : null)
            ?? Directory.GetCurrentDirectory();
        _session = new WorkspaceSession(Discovery.PathResolution.Canonicalize(root));
        var capabilities = new JsonObject
        {
            ["positionEncoding"] = "utf-16",
            ["textDocumentSync"] = new JsonObject { ["openClose"] = true, ["change"] = 1, ["save"] = new JsonObject { ["includeText"] = false } },
            ["documentSymbolProvider"] = true,
            ["completionProvider"] = new JsonObject { ["resolveProvider"] = false, ["triggerCharacters"] = new JsonArray(".", "\"") },
            ["hoverProvider"] = true,
            ["definitionProvider"] = true,
            ["referencesProvider"] = true,
        };
        return Task.FromResult(new InitializeResult(capabilities, new ServerInfo("rototo", Version)));
    });

    /// <summary><c>initialized</c>: publishes the diagnostics of the workspace as it is on disk.</summary>
    [JsonRpcMethod("initialized")]
    public Task InitializedAsync() => RelintAsync(null);

    /// <summary><c>textDocument/didOpen</c>.</summary>
    [JsonRpcMethod("textDocument/didOpen")]
    public Task DidOpenAsync(DidOpenTextDocumentParams request) => RelintAsync(s => s.SetText(request.TextDocument.Uri, request.TextDocument.Text));

    /// <summary><c>textDocument/didChange</c>: full-text changes only.</summary>
    [JsonRpcMethod("textDocument/didChange")]
    public Task DidChangeAsync(DidChangeTextDocumentParams request) => RelintAsync(s =>
    {
        foreach (var change in request.ContentChanges)
        {
            if (change.Range is not null)
            {
                throw new InvalidOperationException("only full-text document changes are supported");
            }
            s.SetText(request.TextDocument.Uri, change.Text);
        }
    });

    /// <summary><c>textDocument/didSave</c>: the saved file replaces the unsaved text.</summary>
    [JsonRpcMethod("textDocument/didSave")]
    public Task DidSaveAsync(TextDocumentParams request) => RelintAsync(s => s.DropText(request.TextDocument.Uri));

    /// <summary><c>textDocument/didClose</c>.</summary>
    [JsonRpcMethod("textDocument/didClose")]
    public Task DidCloseAsync(TextDocumentParams request) => RelintAsync(s => s.DropText(request.TextDocument.Uri));

    /// <summary><c>textDocument/hover</c>.</summary>
    [JsonRpcMethod("textDocument/hover")]
    public Task<Hover?> HoverAsync(TextDocumentPositionParams request) => AtAsync(request.TextDocument, request.Position, (session, document, offset) =>
    {
        if (WorkspaceIndex.SymbolAt(document, offset) is not { } found || Hovers.Describe(session.Index, found.Symbol) is not { } markdown)
        {
            return null;
        }
        var range = found.Span is { } span && document.Source is { } source ? Conversions.Range(source, span) : null;
        return new Hover(new MarkupContent("markdown", markdown), range);
    });

    /// <summary><c>textDocument/definition</c>.</summary>
    [JsonRpcMethod("textDocument/definition")]
    public Task<Location[]?> DefinitionAsync(TextDocumentPositionParams request) => AtAsync(request.TextDocument, request.Position, (session, document, offset) =>
        WorkspaceIndex.SymbolAt(document, offset) is { } found && session.Index.Definition(found.Symbol) is { } definition
            ? new[] { LocationOf(session, definition.Document, definition.Span) }
            : null);

    /// <summary><c>textDocument/references</c>.</summary>
    [JsonRpcMethod("textDocument/references")]
    public Task<Location[]?> ReferencesAsync(ReferenceParams request) => AtAsync(request.TextDocument, request.Position, (session, document, offset) =>
    {
        if (WorkspaceIndex.SymbolAt(document, offset) is not { } found)
        {
            return null;
        }
        var locations = session.Index.References(found.Symbol).Select(r => LocationOf(session, r.Document, r.Span)).ToList();
        if (request.Context?.IncludeDeclaration == true && session.Index.Definition(found.Symbol) is { } definition)
        {
            locations.Insert(0, LocationOf(session, definition.Document, definition.Span));
        }
        return locations.ToArray();
    });

    /// <summary><c>textDocument/completion</c>.</summary>
    [JsonRpcMethod("textDocument/completion")]
    public Task<CompletionItem[]?> CompletionAsync(TextDocumentPositionParams request) =>
        AtAsync(request.TextDocument, request.Position, (session, document, _) => Completions.For(session.Index, document).ToArray());

    /// <summary><c>textDocument/documentSymbol</c>.</summary>
    [JsonRpcMethod("textDocument/documentSymbol")]
    public Task<DocumentSymbol[]?> DocumentSymbolAsync(TextParams request) =>
        AtAsync(request.TextDocument, new Position(0, 0), (session, document, _) => DocumentSymbols.For(session.Index, document).ToArray());

    /// <summary><c>shutdown</c>.</summary>
    [JsonRpcMethod("shutdown")]
    public Task<object?> ShutdownAsync()
    {
        _shutdown = true;
        return Task.FromResult<object?>(null);
    }

    /// <summary><c>exit</c>: ends the server, with exit code 0 only after <c>shutdown</c>.</summary>
    [JsonRpcMethod("exit")]
    public void Exit() => _exit.TrySetResult(_shutdown ? 0 : 1);

    /// <summary>Releases the request gate.</summary>
    public void Dispose() => _gate.Dispose();

    private static Location LocationOf(WorkspaceSession session, Discovery.WorkspaceDocument document, Text.TextSpan? span) =>
        new(session.UriOf(document.FullPath), span is { } s && document.Source is { } source ? Conversions.Range(source, s) : Conversions.ZeroRange);

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The parameter object is a PublishDiagnosticsParams, serialized through LspJson's source-generated metadata.")]
    private async Task RelintAsync(Action<WorkspaceSession>? change)
    {
        List<PublishDiagnosticsParams> publish;
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var session = _session ?? throw new InvalidOperationException("the server is not initialized");
            change?.Invoke(session);
            publish = session.Relint();
        }
        finally
        {
            _gate.Release();
        }
        foreach (var item in publish)
        {
            await _rpc!.NotifyWithParameterObjectAsync("textDocument/publishDiagnostics", item).ConfigureAwait(false);
        }
    }

    private Task<T?> AtAsync<T>(TextDocumentIdentifier textDocument, Position position, Func<WorkspaceSession, Discovery.WorkspaceDocument, int, T?> answer)
        where T : class => GuardAsync(async () =>
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var session = _session ?? throw new InvalidOperationException("the server is not initialized");
            var document = session.Document(textDocument.Uri);
            if (document?.Text is not { } text)
            {
                return null;
            }
            return answer(session, document, Conversions.Offset(text, position));
        }
        finally
        {
            _gate.Release();
        }
    });

    /// <summary>Handler failures become JSON-RPC error -32603 <c>rototo LSP request failed: {err}</c>; the server keeps running.</summary>
    private static async Task<T> GuardAsync<T>(Func<Task<T>> handler)
    {
        try
        {
            return await handler().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not LocalRpcException)
        {
            throw new LocalRpcException($"rototo LSP request failed: {e.Message}") { ErrorCode = -32603 };
        }
    }
}

/// <summary>Parameters naming only a document (<c>textDocument/documentSymbol</c>).</summary>
/// <param name="TextDocument">The document.</param>
public sealed record TextParams(TextDocumentIdentifier TextDocument);
