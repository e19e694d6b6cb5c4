using Rototo.Discovery;
using Rototo.Model;
using Rototo.Text;
using Rototo.Toml;

namespace Rototo.LanguageServer.Navigation;

/// <summary>
/// Ids, references and definitions over one discovered snapshot (§16): qualifier, variable, resource and schema
/// ids, variable value keys and resource object keys.
/// </summary>
internal sealed class WorkspaceIndex(WorkspaceSnapshot snapshot)
{
    public WorkspaceSnapshot Snapshot { get; } = snapshot;

    public WorkspaceDocument? Document(string fullPath) => Snapshot.Documents.FirstOrDefault(d => d.FullPath == fullPath);

    public IEnumerable<WorkspaceDocument> Parsed(DocumentKind kind) => Snapshot.OfKind(kind).Where(d => d.Toml is not null);

    /// <summary>The symbol at an offset of a document: a reference under the cursor, else the document's own entity.</summary>
    public static (WorkspaceSymbol Symbol, TextSpan? Span)? SymbolAt(WorkspaceDocument document, int offset)
    {
        if (document.Toml is { } root && TomlCursor.At(root, offset) is { } cursor)
        {
            if (Reference(document, cursor) is { } reference)
            {
                return (reference, cursor.Node.Span);
            }
            if (document.Kind == DocumentKind.Variable && cursor.Entry is { } entry && cursor.Is("values", entry.Key))
            {
                return (new WorkspaceSymbol(SymbolKind.Value, entry.Key, document.Id), entry.ItemSpan);
            }
        }
        return document.Kind switch
        {
            DocumentKind.Qualifier => (new WorkspaceSymbol(SymbolKind.Qualifier, document.Id), null),
            DocumentKind.Variable => (new WorkspaceSymbol(SymbolKind.Variable, document.Id), null),
            DocumentKind.Resource => (new WorkspaceSymbol(SymbolKind.Resource, document.Id), null),
            DocumentKind.ResourceObject => (new WorkspaceSymbol(SymbolKind.ResourceObject, document.Id, document.ResourceId), null),
            DocumentKind.Schema => (new WorkspaceSymbol(SymbolKind.Schema, document.RelativePath), null),
            _ => null,
        };
    }

    /// <summary>What the string under the cursor refers to, or null.</summary>
    private static WorkspaceSymbol? Reference(WorkspaceDocument document, TomlCursor cursor)
    {
        if (cursor.Text is not { } text)
        {
            return null;
        }
        switch (document.Kind)
        {
            case DocumentKind.Qualifier when cursor.Is("predicate", null, "attribute") && text.StartsWith(PredicateView.QualifierPrefix, StringComparison.Ordinal):
                return new WorkspaceSymbol(SymbolKind.Qualifier, text[PredicateView.QualifierPrefix.Length..]);
            case DocumentKind.Variable when cursor.Is("resolve", "rule", null, "qualifier"):
                return new WorkspaceSymbol(SymbolKind.Qualifier, text);
            case DocumentKind.Variable when cursor.Is("type") && text.StartsWith(VariableView.ResourcePrefix, StringComparison.Ordinal):
                return new WorkspaceSymbol(SymbolKind.Resource, text[VariableView.ResourcePrefix.Length..]);
            case DocumentKind.Variable when cursor.Is("resolve", "default") || cursor.Is("resolve", "rule", null, "value"):
                var view = new VariableView(document);
                return view.ResourceId is { } resource
                    ? new WorkspaceSymbol(SymbolKind.ResourceObject, text, resource)
                    : new WorkspaceSymbol(SymbolKind.Value, text, document.Id);
            case DocumentKind.Resource when cursor.Is("schema"):
                return new ResourceView(document).SchemaPath is { } schema ? new WorkspaceSymbol(SymbolKind.Schema, schema) : null;
            default:
                return null;
        }
    }

    /// <summary>Where a symbol is defined: its file (start), or for a value its <c>key = value</c> item.</summary>
    public (WorkspaceDocument Document, TextSpan? Span)? Definition(WorkspaceSymbol symbol)
    {
        WorkspaceDocument? Find(DocumentKind kind, Func<WorkspaceDocument, bool> match) => Snapshot.OfKind(kind).FirstOrDefault(match);
        switch (symbol.Kind)
        {
            case SymbolKind.Value:
                var variable = Find(DocumentKind.Variable, d => d.Id == symbol.Owner);
                if (variable?.Toml?["values"] is TomlTableNode values && values.TryGet(symbol.Id, out var entry))
                {
                    return (variable, entry.ItemSpan);
                }
                return variable is null ? null : (variable, null);
            default:
                var document = symbol.Kind switch
                {
                    SymbolKind.Qualifier => Find(DocumentKind.Qualifier, d => d.Id == symbol.Id),
                    SymbolKind.Variable => Find(DocumentKind.Variable, d => d.Id == symbol.Id),
                    SymbolKind.Resource => Find(DocumentKind.Resource, d => d.Id == symbol.Id),
                    SymbolKind.ResourceObject => Find(DocumentKind.ResourceObject, d => d.Id == symbol.Id && d.ResourceId == symbol.Owner),
                    _ => Find(DocumentKind.Schema, d => d.RelativePath == symbol.Id),
                };
                return document is null ? null : (document, null);
        }
    }

    /// <summary>Every place that refers to <paramref name="symbol"/> by id.</summary>
    public IEnumerable<(WorkspaceDocument Document, TextSpan Span)> References(WorkspaceSymbol symbol)
    {
        switch (symbol.Kind)
        {
            case SymbolKind.Qualifier:
                foreach (var document in Parsed(DocumentKind.Variable))
                {
                    foreach (var rule in new VariableView(document).Rules.Where(r => r.Qualifier == symbol.Id))
                    {
                        yield return (document, rule.QualifierNode!.Span);
                    }
                }
                foreach (var document in Parsed(DocumentKind.Qualifier))
                {
                    foreach (var predicate in new QualifierView(document).Predicates.Where(p => p.ReferencedQualifier == symbol.Id))
                    {
                        yield return (document, predicate.AttributeNode!.Span);
                    }
                }
                break;
            case SymbolKind.Value:
                foreach (var document in Parsed(DocumentKind.Variable).Where(d => d.Id == symbol.Owner))
                {
                    foreach (var span in ValueReferences(new VariableView(document), symbol.Id))
                    {
                        yield return (document, span);
                    }
                }
                break;
            case SymbolKind.ResourceObject:
                foreach (var document in Parsed(DocumentKind.Variable).Where(d => new VariableView(d).ResourceId == symbol.Owner))
                {
                    foreach (var span in ValueReferences(new VariableView(document), symbol.Id))
                    {
                        yield return (document, span);
                    }
                }
                break;
            case SymbolKind.Resource:
                foreach (var document in Parsed(DocumentKind.Variable).Where(d => new VariableView(d).ResourceId == symbol.Id))
                {
                    yield return (document, new VariableView(document).TypeNode!.Span);
                }
                break;
            case SymbolKind.Schema:
                foreach (var document in Parsed(DocumentKind.Resource).Where(d => new ResourceView(d).SchemaPath == symbol.Id))
                {
                    yield return (document, new ResourceView(document).SchemaNode!.Span);
                }
                break;
        }
    }

    private static IEnumerable<TextSpan> ValueReferences(VariableView variable, string key)
    {
        if (variable.Default == key)
        {
            yield return variable.DefaultNode!.Span;
        }
        foreach (var rule in variable.Rules.Where(r => r.Value == key))
        {
            yield return rule.ValueNode!.Span;
        }
    }
}
