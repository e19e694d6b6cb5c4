using Rototo.Discovery;
using Rototo.LanguageServer.Protocol;
using Rototo.Model;

namespace Rototo.LanguageServer.Navigation;

/// <summary>Completion items by file kind (§16): qualifier ids, value keys, operators, lint field selectors.</summary>
internal static class Completions
{
    private static readonly string[] FieldSelectors = ["description", "extends", "id", "json", "json.", "key", "predicates", "resolve", "schema", "type", "value", "value.", "values"];

    // LSP CompletionItemKind values.
    private const int ReferenceKind = 18;
    private const int ValueKind = 12;
    private const int OperatorKind = 24;
    private const int FieldKind = 5;

    public static List<CompletionItem> For(WorkspaceIndex index, WorkspaceDocument document)
    {
        var items = new List<CompletionItem>();
        void Add(IEnumerable<string> labels, int kind, string detail, int group) =>
            items.AddRange(labels.Order(StringComparer.Ordinal).Select((label, i) => new CompletionItem(label, kind, detail, $"{group}-{i:D5}")));

        var qualifiers = index.Snapshot.OfKind(DocumentKind.Qualifier).Select(d => d.Id);
        switch (document.Kind)
        {
            case DocumentKind.Qualifier:
                Add(qualifiers, ReferenceKind, "qualifier", 1);
                Add(Operators.All, OperatorKind, "operator", 3);
                break;
            case DocumentKind.Variable:
                Add(qualifiers, ReferenceKind, "qualifier", 1);
                Add(ValueKeys(index, document), ValueKind, "value", 2);
                break;
            case DocumentKind.CustomLint:
                Add(FieldSelectors, FieldKind, "field selector", 4);
                break;
        }
        return items;
    }

    private static IEnumerable<string> ValueKeys(WorkspaceIndex index, WorkspaceDocument document)
    {
        if (document.Toml is null)
        {
            return [];
        }
        var view = new VariableView(document);
        return view.ResourceId is { } resource
            ? index.Snapshot.OfKind(DocumentKind.ResourceObject).Where(o => o.ResourceId == resource).Select(o => o.Id)
            : view.Values?.Entries.Select(e => e.Key) ?? [];
    }
}
