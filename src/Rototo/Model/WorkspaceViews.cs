using Rototo.Discovery;
using Rototo.Toml;

namespace Rototo.Model;

/// <summary>The names of the predicate operators (§4.3).</summary>
internal static class Operators
{
    public static readonly string[] All = ["eq", "neq", "in", "not_in", "gt", "gte", "lt", "lte", "bucket"];

    public static bool IsKnown(string op) => Array.IndexOf(All, op) >= 0;

    public static bool IsOrdering(string op) => op is "gt" or "gte" or "lt" or "lte";

    public static bool IsMembership(string op) => op is "in" or "not_in";
}

/// <summary>One <c>[[predicate]]</c> entry of a parsed qualifier file, as written (shape not yet checked).</summary>
internal sealed record PredicateView(int Index, TomlNode Node)
{
    public const string QualifierPrefix = "qualifier.";

    public TomlTableNode? Table => Node as TomlTableNode;

    public TomlNode? AttributeNode => Table?["attribute"];

    public string? Attribute => (AttributeNode as TomlScalarNode)?.Text;

    public TomlNode? OpNode => Table?["op"];

    public string? Op => (OpNode as TomlScalarNode)?.Text;

    public TomlNode? Value => Table?["value"];

    public TomlNode? Salt => Table?["salt"];

    public TomlNode? Range => Table?["range"];

    /// <summary>The referenced qualifier id for <c>qualifier.&lt;id&gt;</c> attributes, else null.</summary>
    public string? ReferencedQualifier => Attribute is { } a && a.StartsWith(QualifierPrefix, StringComparison.Ordinal) ? a[QualifierPrefix.Length..] : null;

    /// <summary>True when the predicate reads the context (a string attribute that is not a qualifier reference).</summary>
    public bool ReadsContext => Attribute is not null && ReferencedQualifier is null;
}

/// <summary>Read-only accessors over a parsed qualifier document.</summary>
internal sealed record QualifierView(WorkspaceDocument Document)
{
    public string Id => Document.Id;

    public TomlTableNode Root => Document.Toml!;

    public IReadOnlyList<PredicateView> Predicates =>
        Root["predicate"] is TomlArrayNode array ? [.. array.Items.Select((node, i) => new PredicateView(i, node))] : [];
}

/// <summary>One <c>[[resolve.rule]]</c> entry of a parsed variable, as written.</summary>
internal sealed record RuleView(int Index, TomlNode Node)
{
    public TomlTableNode? Table => Node as TomlTableNode;

    public TomlNode? QualifierNode => Table?["qualifier"];

    public string? Qualifier => (QualifierNode as TomlScalarNode)?.Text;

    public TomlNode? ValueNode => Table?["value"];

    public string? Value => (ValueNode as TomlScalarNode)?.Text;
}

/// <summary>Read-only accessors over a parsed variable document.</summary>
internal sealed record VariableView(WorkspaceDocument Document)
{
    public const string ResourcePrefix = "resource:";

    public string Id => Document.Id;

    public TomlTableNode Root => Document.Toml!;

    public TomlNode? TypeNode => Root["type"];

    public string? Type => TypeNode is TomlScalarNode { Kind: TomlScalarKind.String } s ? s.Text : null;

    /// <summary>The resource id for <c>resource:&lt;id&gt;</c> types, else null.</summary>
    public string? ResourceId => Type is { } t && t.StartsWith(ResourcePrefix, StringComparison.Ordinal) ? t[ResourcePrefix.Length..] : null;

    public bool IsResourceBacked => ResourceId is not null;

    public TomlNode? ValuesNode => Root["values"];

    public TomlTableNode? Values => ValuesNode as TomlTableNode;

    public TomlTableNode? Resolve => Root["resolve"] as TomlTableNode;

    public TomlNode? DefaultNode => Resolve?["default"];

    public string? Default => DefaultNode is TomlScalarNode { Kind: TomlScalarKind.String } s ? s.Text : null;

    public TomlNode? RuleNode => Resolve?["rule"];

    public IReadOnlyList<RuleView> Rules =>
        RuleNode is TomlArrayNode array ? [.. array.Items.Select((node, i) => new RuleView(i, node))] : [];
}

/// <summary>Read-only accessors over a parsed resource document.</summary>
internal sealed record ResourceView(WorkspaceDocument Document)
{
    public string Id => Document.Id;

    public TomlNode? SchemaNode => Document.Toml!["schema"];

    public string? Schema => SchemaNode is TomlScalarNode { Kind: TomlScalarKind.String } s ? s.Text : null;

    /// <summary>The normalised workspace-relative schema path, or null when the reference is not a safe relative path (§3.4).</summary>
    public string? SchemaPath => Schema is { } s ? PathResolution.NormalizeRelative("resources", s) : null;
}
