using System.Text;
using Rototo.Discovery;
using Rototo.Model;
using Rototo.Toml;

namespace Rototo.LanguageServer.Navigation;

/// <summary>The markdown shown when hovering a workspace symbol.</summary>
internal static class Hovers
{
    public static string? Describe(WorkspaceIndex index, WorkspaceSymbol symbol)
    {
        if (index.Definition(symbol) is not { } definition)
        {
            return symbol.Kind == SymbolKind.Qualifier ? $"**unknown qualifier** `{symbol.Id}`" : null;
        }
        var document = definition.Document;
        var text = new StringBuilder();
        switch (symbol.Kind)
        {
            case SymbolKind.Qualifier:
                text.Append($"**qualifier** `{symbol.Id}`");
                Description(text, document);
                if (document.Toml is not null)
                {
                    text.Append("\n\n");
                    foreach (var predicate in new QualifierView(document).Predicates)
                    {
                        var value = predicate.Value is { } v ? " " + Json.SerdeJson.Compact(Json.SerdeJson.Value(v.ToJson())) : "";
                        text.Append($"- `{predicate.Attribute} {predicate.Op}{value}`\n");
                    }
                }
                break;
            case SymbolKind.Variable:
                text.Append($"**variable** `{symbol.Id}`");
                if (document.Toml is not null)
                {
                    text.Append($"\n\ntype: `{new VariableView(document).Type}`");
                }
                Description(text, document);
                break;
            case SymbolKind.Value:
                text.Append($"**value** `{symbol.Id}` of variable `{symbol.Owner}`");
                if (document.Toml?["values"] is TomlTableNode values && values[symbol.Id] is { } node)
                {
                    text.Append($"\n\n```json\n{Json.SerdeJson.Compact(Json.SerdeJson.Value(node.ToJson()))}\n```");
                }
                break;
            case SymbolKind.Resource:
                text.Append($"**resource** `{symbol.Id}`");
                if (document.Toml is not null)
                {
                    text.Append($"\n\nschema: `{new ResourceView(document).Schema}`");
                }
                var objects = index.Snapshot.OfKind(DocumentKind.ResourceObject).Where(o => o.ResourceId == symbol.Id).Select(o => o.Id);
                text.Append($"\n\nobjects: {string.Join(", ", objects)}");
                break;
            case SymbolKind.ResourceObject:
                text.Append($"**resource object** `{symbol.Id}` of resource `{symbol.Owner}`");
                if (document.Toml is { } obj)
                {
                    text.Append($"\n\n```json\n{Json.SerdeJson.Compact(Json.SerdeJson.Value(obj.ToJson()))}\n```");
                }
                break;
            default:
                text.Append($"**schema** `{symbol.Id}`");
                break;
        }
        text.Append($"\n\n{document.RelativePath}");
        return text.ToString();
    }

    private static void Description(StringBuilder text, WorkspaceDocument document)
    {
        if (document.Toml?["description"] is TomlScalarNode { Kind: TomlScalarKind.String, Text: { } description })
        {
            text.Append("\n\n").Append(description);
        }
    }
}
