using System.Text.Json.Nodes;
using Rototo.Text;

namespace Rototo.Lint;

/// <summary>Diagnostic severity (§9.2): errors fail lint and <c>Workspace.LoadAsync</c>; warnings never do.</summary>
public enum LintSeverity
{
    /// <summary>Fails lint.</summary>
    Error,

    /// <summary>Advisory; never fails lint.</summary>
    Warning,
}

/// <summary>Lint pipeline stages in execution order (§9.1).</summary>
public enum LintStage
{
    /// <summary>Finding the root and the manifest.</summary>
    Discover,

    /// <summary>TOML/JSON parsing.</summary>
    Parse,

    /// <summary>Per-file shape checks.</summary>
    Project,

    /// <summary>Custom Lua lint registration.</summary>
    Register,

    /// <summary>Cross-file references.</summary>
    Reference,

    /// <summary>Value checks against types and schemas.</summary>
    Value,

    /// <summary>Reference-graph checks (cycles, reachability, shadowing).</summary>
    Graph,

    /// <summary>Policy checks (custom lint only).</summary>
    Policy,
}

/// <summary>The entity a diagnostic is about (§9.2 <c>entity</c>); <see cref="Kind"/> selects which other members are set.</summary>
/// <param name="Kind">One of <c>workspace</c>, <c>manifest</c>, <c>qualifier</c>, <c>predicate</c>, <c>variable</c>, <c>resource</c>, <c>resource_object</c>, <c>value</c>, <c>rule</c>, <c>custom_lint</c>, <c>schema</c>.</param>
/// <param name="Id">Qualifier, variable or resource id (kinds qualifier, variable, resource).</param>
/// <param name="Owner">Owning qualifier (predicate), variable (value, rule) or resource (resource_object) id.</param>
/// <param name="Key">Value key or resource object key.</param>
/// <param name="Index">Zero-based predicate or rule index.</param>
/// <param name="Path">Workspace-relative path (kinds schema, custom_lint).</param>
public sealed record DiagnosticEntity(string Kind, string? Id = null, string? Owner = null, string? Key = null, int? Index = null, string? Path = null)
{
    /// <summary>The workspace itself.</summary>
    public static DiagnosticEntity Workspace { get; } = new("workspace");

    /// <summary>The manifest file.</summary>
    public static DiagnosticEntity Manifest { get; } = new("manifest");

    internal static DiagnosticEntity Qualifier(string id) => new("qualifier", Id: id);

    internal static DiagnosticEntity Predicate(string qualifier, int index) => new("predicate", Owner: qualifier, Index: index);

    internal static DiagnosticEntity Variable(string id) => new("variable", Id: id);

    internal static DiagnosticEntity Resource(string id) => new("resource", Id: id);

    internal static DiagnosticEntity ResourceObject(string resource, string key) => new("resource_object", Owner: resource, Key: key);

    internal static DiagnosticEntity Value(string variable, string key) => new("value", Owner: variable, Key: key);

    internal static DiagnosticEntity Rule(string variable, int index) => new("rule", Owner: variable, Index: index);

    internal static DiagnosticEntity CustomLint(string path) => new("custom_lint", Path: path);

    internal static DiagnosticEntity Schema(string path) => new("schema", Path: path);

    /// <summary>The entity's id as it identifies a qualifier or variable owner (for "existing error" checks).</summary>
    internal string? QualifierId => Kind switch { "qualifier" => Id, "predicate" => Owner, _ => null };

    /// <summary>The entity in rototo's JSON shape, fields in rototo's order.</summary>
    /// <returns>A new JSON object.</returns>
    public JsonObject ToJson()
    {
        var json = new JsonObject { ["kind"] = Kind };
        switch (Kind)
        {
            case "qualifier" or "variable" or "resource":
                json["id"] = Id;
                break;
            case "predicate":
                json["qualifier"] = Owner;
                json["index"] = Index;
                break;
            case "resource_object":
                json["resource"] = Owner;
                json["key"] = Key;
                break;
            case "value":
                json["variable"] = Owner;
                json["key"] = Key;
                break;
            case "rule":
                json["variable"] = Owner;
                json["index"] = Index;
                break;
            case "custom_lint" or "schema":
                json["path"] = Path;
                break;
        }
        return json;
    }
}

/// <summary>Where a diagnostic points: a workspace-relative path (or the root) and, unless document-level, a range.</summary>
/// <param name="Path">Workspace-relative path with '/' separators, or the workspace root path for workspace-level locations.</param>
/// <param name="Range">Zero-based UTF-16 range, end exclusive; null for document-level locations.</param>
public sealed record DiagnosticLocation(string Path, TextRange? Range)
{
    internal bool IsWorkspaceRoot { get; init; }

    /// <summary>Offset of the range start in the document, for sorting; null for document-level locations.</summary>
    internal int? StartOffset { get; init; }

    /// <summary><c>path</c>, or <c>path:line:column</c> with a 1-based line and column when there is a range (the human form).</summary>
    /// <returns>The location as people read it.</returns>
    public override string ToString() => Range is { } range ? $"{Path}:{range.Start.Line + 1}:{range.Start.Character + 1}" : Path;

    /// <summary>The location in rototo's JSON shape (<c>range</c> omitted when absent).</summary>
    /// <returns>A new JSON object.</returns>
    public JsonObject ToJson()
    {
        var json = new JsonObject { ["path"] = Path };
        if (Range is { } range)
        {
            json["range"] = new JsonObject
            {
                ["start"] = new JsonObject { ["line"] = range.Start.Line, ["character"] = range.Start.Character },
                ["end"] = new JsonObject { ["line"] = range.End.Line, ["character"] = range.End.Character },
            };
        }
        return json;
    }
}

/// <summary>A secondary location of a diagnostic with its own message.</summary>
/// <param name="Location">The related location.</param>
/// <param name="Message">What is at that location.</param>
public sealed record RelatedInformation(DiagnosticLocation Location, string Message);

/// <summary>One lint finding, in rototo's diagnostic shape (§9.2).</summary>
/// <param name="Rule">Rule id, e.g. <c>rototo/variable-unknown-value</c>.</param>
/// <param name="Severity">Error or warning.</param>
/// <param name="Stage">The stage that produced it.</param>
/// <param name="Entity">What it is about.</param>
/// <param name="Message">The problem, in rototo's exact words.</param>
/// <param name="Help">How to fix it (the catalog's help text).</param>
/// <param name="Location">Primary location.</param>
/// <param name="Related">Secondary locations.</param>
public sealed record LintDiagnostic(
    string Rule,
    LintSeverity Severity,
    LintStage Stage,
    DiagnosticEntity Entity,
    string Message,
    string Help,
    DiagnosticLocation Location,
    IReadOnlyList<RelatedInformation> Related)
{
    /// <summary>One line as <c>rototo lint</c> prints it: <c>{severity}[{rule}]: {location}: {message}</c>.</summary>
    /// <returns>The diagnostic's headline.</returns>
    public override string ToString() => $"{Severity.ToWireName()}[{Rule}]: {Location}: {Message}";

    /// <summary>The diagnostic as rototo's <c>--json</c> prints it, fields in rototo's order.</summary>
    /// <returns>A new JSON object.</returns>
    public JsonObject ToJson()
    {
        var related = new JsonArray();
        foreach (var item in Related)
        {
            related.Add((JsonNode)new JsonObject { ["location"] = item.Location.ToJson(), ["message"] = item.Message });
        }
        return new JsonObject
        {
            ["rule"] = Rule,
            ["severity"] = Severity.ToWireName(),
            ["stage"] = Stage.ToWireName(),
            ["entity"] = Entity.ToJson(),
            ["message"] = Message,
            ["help"] = Help,
            ["location"] = Location.ToJson(),
            ["related"] = related,
        };
    }
}

/// <summary>Wire names of lint enums.</summary>
public static class LintWireNames
{
    /// <summary>"error" or "warning".</summary>
    /// <param name="severity">The severity.</param>
    /// <returns>The lowercase name.</returns>
    public static string ToWireName(this LintSeverity severity) => severity == LintSeverity.Error ? "error" : "warning";

    /// <summary>The lowercase stage name (<c>discover</c>, <c>parse</c>, ...).</summary>
    /// <param name="stage">The stage.</param>
    /// <returns>The lowercase name.</returns>
    public static string ToWireName(this LintStage stage) => stage.ToString().ToLowerInvariant();
}
