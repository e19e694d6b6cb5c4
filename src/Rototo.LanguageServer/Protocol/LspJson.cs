using System.Text.Json.Serialization;

namespace Rototo.LanguageServer.Protocol;

/// <summary>
/// Serializer metadata for every message the server reads or writes, generated at compile time so the server
/// runs in trimmed and native AOT builds of the <c>rototo</c> command (camel-cased names, nulls omitted).
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(InitializeParams))]
[JsonSerializable(typeof(InitializeResult))]
[JsonSerializable(typeof(DidOpenTextDocumentParams))]
[JsonSerializable(typeof(DidChangeTextDocumentParams))]
[JsonSerializable(typeof(TextDocumentParams))]
[JsonSerializable(typeof(TextDocumentPositionParams))]
[JsonSerializable(typeof(ReferenceParams))]
[JsonSerializable(typeof(TextParams))]
[JsonSerializable(typeof(PublishDiagnosticsParams))]
[JsonSerializable(typeof(Hover))]
[JsonSerializable(typeof(Location[]))]
[JsonSerializable(typeof(CompletionItem[]))]
[JsonSerializable(typeof(DocumentSymbol[]))]
[JsonSerializable(typeof(object))]
internal sealed partial class LspJson : JsonSerializerContext;
