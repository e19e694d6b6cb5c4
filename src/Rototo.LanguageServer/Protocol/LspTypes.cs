using System.Text.Json.Nodes;

namespace Rototo.LanguageServer.Protocol;

// The subset of the Language Server Protocol 3.17 that rototo's server speaks (§16). Property names are
// camel-cased by the serializer; null members are omitted.

/// <summary>A zero-based line and UTF-16 character.</summary>
/// <param name="Line">Zero-based line.</param>
/// <param name="Character">Zero-based UTF-16 code unit offset in the line.</param>
public sealed record Position(int Line, int Character);

/// <summary>A range, end exclusive.</summary>
/// <param name="Start">First position.</param>
/// <param name="End">Position after the last character.</param>
public sealed record Range(Position Start, Position End);

/// <summary>A range in a document.</summary>
/// <param name="Uri">Document URI.</param>
/// <param name="Range">The range.</param>
public sealed record Location(string Uri, Range Range);

/// <summary>Names a document.</summary>
/// <param name="Uri">Document URI.</param>
public sealed record TextDocumentIdentifier(string Uri);

/// <summary>An opened document.</summary>
/// <param name="Uri">Document URI.</param>
/// <param name="LanguageId">Editor language id.</param>
/// <param name="Version">Editor version.</param>
/// <param name="Text">Full text.</param>
public sealed record TextDocumentItem(string Uri, string? LanguageId, int Version, string Text);

/// <summary>A document with its editor version.</summary>
/// <param name="Uri">Document URI.</param>
/// <param name="Version">Editor version.</param>
public sealed record VersionedTextDocumentIdentifier(string Uri, int? Version);

/// <summary>A change: only full-text changes (no <see cref="Range"/>) are accepted (sync kind 1).</summary>
/// <param name="Range">Must be null.</param>
/// <param name="Text">The new full text.</param>
public sealed record TextDocumentContentChangeEvent(Range? Range, string Text);

/// <summary><c>textDocument/didOpen</c> parameters.</summary>
/// <param name="TextDocument">The opened document.</param>
public sealed record DidOpenTextDocumentParams(TextDocumentItem TextDocument);

/// <summary><c>textDocument/didChange</c> parameters.</summary>
/// <param name="TextDocument">The document.</param>
/// <param name="ContentChanges">The changes.</param>
public sealed record DidChangeTextDocumentParams(VersionedTextDocumentIdentifier TextDocument, IReadOnlyList<TextDocumentContentChangeEvent> ContentChanges);

/// <summary><c>didSave</c> / <c>didClose</c> parameters.</summary>
/// <param name="TextDocument">The document.</param>
public sealed record TextDocumentParams(TextDocumentIdentifier TextDocument);

/// <summary>A document and a position in it.</summary>
/// <param name="TextDocument">The document.</param>
/// <param name="Position">The position.</param>
public sealed record TextDocumentPositionParams(TextDocumentIdentifier TextDocument, Position Position);

/// <summary><c>textDocument/references</c> context.</summary>
/// <param name="IncludeDeclaration">Include the definition itself.</param>
public sealed record ReferenceContext(bool IncludeDeclaration);

/// <summary><c>textDocument/references</c> parameters.</summary>
/// <param name="TextDocument">The document.</param>
/// <param name="Position">The position.</param>
/// <param name="Context">Whether to include the declaration.</param>
public sealed record ReferenceParams(TextDocumentIdentifier TextDocument, Position Position, ReferenceContext? Context);

/// <summary>A workspace folder.</summary>
/// <param name="Uri">Folder URI.</param>
/// <param name="Name">Display name.</param>
public sealed record WorkspaceFolder(string Uri, string? Name);

/// <summary><c>initialize</c> parameters (the parts used).</summary>
/// <param name="RootUri">Workspace root URI.</param>
/// <param name="RootPath">Deprecated root path.</param>
/// <param name="WorkspaceFolders">Workspace folders.</param>
public sealed record InitializeParams(string? RootUri, string? RootPath, IReadOnlyList<WorkspaceFolder>? WorkspaceFolders);

/// <summary>Server name and version.</summary>
/// <param name="Name">Always <c>rototo</c>.</param>
/// <param name="Version">The rototo version.</param>
public sealed record ServerInfo(string Name, string Version);

/// <summary><c>initialize</c> result.</summary>
/// <param name="Capabilities">Server capabilities (§16).</param>
/// <param name="ServerInfo">Name and version.</param>
public sealed record InitializeResult(JsonObject Capabilities, ServerInfo ServerInfo);

/// <summary>A related location of a diagnostic.</summary>
/// <param name="Location">Where.</param>
/// <param name="Message">What is there.</param>
public sealed record DiagnosticRelatedInformation(Location Location, string Message);

/// <summary>An LSP diagnostic (§16 mapping).</summary>
/// <param name="Range">Range (zero range for document-level diagnostics).</param>
/// <param name="Severity">1 error, 2 warning.</param>
/// <param name="Code">Rule id; null (not written) for the count of a file's diagnostics not shown, which is no rule's.</param>
/// <param name="Source">Always <c>rototo</c>.</param>
/// <param name="Message">Message.</param>
/// <param name="Data"><c>{rule, stage, help}</c>; null (not written) with <paramref name="Code"/>.</param>
/// <param name="RelatedInformation">Related locations.</param>
public sealed record Diagnostic(Range Range, int Severity, string? Code, string Source, string Message, JsonObject? Data, IReadOnlyList<DiagnosticRelatedInformation> RelatedInformation);

/// <summary><c>textDocument/publishDiagnostics</c> parameters.</summary>
/// <param name="Uri">Document URI.</param>
/// <param name="Diagnostics">All diagnostics of the document (empty clears).</param>
public sealed record PublishDiagnosticsParams(string Uri, IReadOnlyList<Diagnostic> Diagnostics);

/// <summary>Markdown or plain text.</summary>
/// <param name="Kind"><c>markdown</c> or <c>plaintext</c>.</param>
/// <param name="Value">The text.</param>
public sealed record MarkupContent(string Kind, string Value);

/// <summary><c>textDocument/hover</c> result.</summary>
/// <param name="Contents">Markdown.</param>
/// <param name="Range">The hovered range.</param>
public sealed record Hover(MarkupContent Contents, Range? Range);

/// <summary>A completion item.</summary>
/// <param name="Label">Inserted text.</param>
/// <param name="Kind">LSP completion item kind.</param>
/// <param name="Detail">What it is.</param>
/// <param name="SortText">Orders qualifiers, values, operators, selectors.</param>
public sealed record CompletionItem(string Label, int Kind, string Detail, string SortText);

/// <summary>A document symbol with its children.</summary>
/// <param name="Name">Name.</param>
/// <param name="Kind">LSP symbol kind (§16).</param>
/// <param name="Range">Whole range.</param>
/// <param name="SelectionRange">Name range.</param>
/// <param name="Children">Nested symbols.</param>
public sealed record DocumentSymbol(string Name, int Kind, Range Range, Range SelectionRange, IReadOnlyList<DocumentSymbol>? Children);
