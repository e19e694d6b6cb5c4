using Rototo.Discovery;
using Rototo.LanguageServer.Protocol;
using Range = Rototo.LanguageServer.Protocol.Range;
using Rototo.Model;
using Rototo.Text;
using Rototo.Toml;

namespace Rototo.LanguageServer.Navigation;

/// <summary>The outline of a workspace file with rototo's symbol kinds (§16).</summary>
internal static class DocumentSymbols
{
    private const int Namespace = 3;
    private const int Field = 8;
    private const int Variable = 13;
    private const int Constant = 14;
    private const int String = 15;
    private const int Boolean = 17;
    private const int Array = 18;
    private const int Object = 19;

    public static List<DocumentSymbol> For(WorkspaceIndex index, WorkspaceDocument document)
    {
        if (document.Toml is not { } root || document.Source is not { } source)
        {
            return [];
        }
        Range RangeOf(TextSpan span) => Conversions.Range(source, span);
        DocumentSymbol Symbol(string name, int kind, TextSpan span, List<DocumentSymbol>? children = null) => new(name, kind, RangeOf(span), RangeOf(span), children);
        var whole = new TextSpan(0, source.Text.Length);
        switch (document.Kind)
        {
            case DocumentKind.Manifest when root.TryGet("extends", out var extends) && extends.Value is TomlArrayNode sources:
                return [Symbol("extends", Array, extends.ItemSpan, [.. sources.Items.OfType<TomlScalarNode>().Select(s => Symbol(s.Text ?? "", String, s.Span))])];
            case DocumentKind.Qualifier:
                var predicates = new QualifierView(document).Predicates.Select(p => Symbol($"[{p.Index}] {p.Attribute} {p.Op}", Boolean, p.Node.Span)).ToList();
                return [Symbol(document.Id, Object, whole, predicates)];
            case DocumentKind.Variable:
                var view = new VariableView(document);
                var children = new List<DocumentSymbol>();
                if (root.TryGet("values", out var values) && values.Value is TomlTableNode table)
                {
                    children.Add(Symbol("values", Array, values.ItemSpan, [.. table.Entries.Select(e => Symbol(e.Key, Constant, e.ItemSpan))]));
                }
                if (root.TryGet("resolve", out var resolve))
                {
                    var rules = view.Rules.Select(r => Symbol($"rule[{r.Index}] {r.Qualifier} -> {r.Value}", Field, r.Node.Span)).ToList();
                    children.Add(Symbol("resolve", Namespace, resolve.ItemSpan, rules));
                }
                return [Symbol(document.Id, Variable, whole, children)];
            case DocumentKind.Resource:
                var objects = index.Snapshot.OfKind(DocumentKind.ResourceObject).Where(o => o.ResourceId == document.Id).Select(o => Symbol(o.Id, Constant, whole)).ToList();
                return [Symbol(document.Id, Variable, whole, objects)];
            case DocumentKind.ResourceObject:
                return [Symbol(document.Id, Constant, whole)];
            default:
                return [];
        }
    }
}
