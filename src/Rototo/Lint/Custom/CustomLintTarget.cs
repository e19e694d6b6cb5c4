using System.Text.Json;
using System.Text.Json.Nodes;
using Rototo.Discovery;
using Rototo.Json;
using Rototo.Model;
using Rototo.Toml;

namespace Rototo.Lint.Custom;

/// <summary>One thing a custom lint handler is called for (§10.3): its entity, where it is, and its Lua-visible table.</summary>
internal sealed class CustomLintTarget
{
    private readonly Func<string?, JsonNode?> _selected;

    private CustomLintTarget(DiagnosticEntity entity, WorkspaceDocument document, DiagnosticLocation location, JsonObject json, Func<string?, JsonNode?>? selected)
    {
        Entity = entity;
        Document = document;
        Location = location;
        Json = json;
        _selected = selected ?? (_ => null);
        HasSelected = selected is not null;
    }

    public DiagnosticEntity Entity { get; }

    public WorkspaceDocument Document { get; }

    /// <summary>The target's own location (document, or the value for value targets).</summary>
    public DiagnosticLocation Location { get; }

    /// <summary>The <c>target</c> table without <c>selected</c>.</summary>
    public JsonObject Json { get; }

    private bool HasSelected { get; }

    /// <summary>The <c>target</c> table for a registration with <paramref name="field"/>: value and schema targets get <c>selected</c>.</summary>
    public JsonObject For(string? field)
    {
        var copy = (JsonObject)Json.DeepClone();
        if (HasSelected)
        {
            copy["selected"] = _selected(field);
        }
        return copy;
    }

    /// <summary>Where a field selector points (§10.2 table); invalid or absent fields give the target location.</summary>
    public DiagnosticLocation LocationOf(string? field)
    {
        if (field is null || !RegistrationRules.IsField(Entity.Kind, field) || Entity.Kind is "value" or "schema" || field == "id")
        {
            return Location;
        }
        var key = field == "predicates" ? "predicate" : field;
        return Document.Toml?[key] is { } node ? LintContext.At(Document, node) : Location;
    }

    /// <summary>The targets of <paramref name="entity"/> in the snapshot, in rototo's order (§10.3).</summary>
    public static IEnumerable<CustomLintTarget> Of(LintContext context, string entity) => entity switch
    {
        "workspace" => Workspace(context),
        "qualifier" => context.Parsed(DocumentKind.Qualifier).OrderBy(d => d.Id, Rototo.Json.Utf8Order.Instance).Select(d => ForDocument(d, DiagnosticEntity.Qualifier(d.Id), "qualifier", d.Toml!.ToJson())),
        "variable" => context.Parsed(DocumentKind.Variable).OrderBy(d => d.Id, Rototo.Json.Utf8Order.Instance).Select(d => ForDocument(d, DiagnosticEntity.Variable(d.Id), "variable", VariableToml(d))),
        "value" => context.Parsed(DocumentKind.Variable).OrderBy(d => d.Id, Rototo.Json.Utf8Order.Instance).SelectMany(Values),
        "schema" => context.Parsed(DocumentKind.Schema).Select(Schema),
        _ => [],
    };

    private static IEnumerable<CustomLintTarget> Workspace(LintContext context)
    {
        if (context.Snapshot.Manifest is not { Toml: { } manifest } document)
        {
            yield break;
        }
        var extends = new JsonArray();
        if (manifest["extends"] is TomlArrayNode array)
        {
            foreach (var item in array.Items.OfType<TomlScalarNode>().Where(s => s.Kind == TomlScalarKind.String))
            {
                extends.Add((JsonNode?)JsonValue.Create(item.Text));
            }
        }
        var json = new JsonObject
        {
            ["kind"] = "workspace",
            ["root"] = context.Snapshot.Root,
            ["manifest"] = new JsonObject { ["uri"] = document.Uri, ["path"] = document.RelativePath, ["toml"] = JsonNode.Parse(manifest.ToJson().GetRawText()) },
            ["extends"] = extends,
        };
        yield return new CustomLintTarget(DiagnosticEntity.Workspace, document, LintContext.At(document, (TomlNode?)null), json, null);
    }

    private static CustomLintTarget ForDocument(WorkspaceDocument document, DiagnosticEntity entity, string kind, JsonElement toml)
    {
        var json = new JsonObject
        {
            ["kind"] = kind,
            ["id"] = document.Id,
            ["uri"] = document.Uri,
            ["path"] = document.RelativePath,
            ["toml"] = JsonNode.Parse(toml.GetRawText()),
        };
        return new CustomLintTarget(entity, document, LintContext.At(document, (TomlNode?)null), json, null);
    }

    /// <summary>The variable's TOML as JSON with <c>values</c> always an object of the inline values (§10.3).</summary>
    private static JsonElement VariableToml(WorkspaceDocument document)
    {
        var json = JsonNode.Parse(document.Toml!.ToJson().GetRawText())!.AsObject();
        var view = new VariableView(document);
        json["values"] = !view.IsResourceBacked && view.Values is { } values ? JsonNode.Parse(values.ToJson().GetRawText()) : new JsonObject();
        return JsonSerializer.SerializeToElement(json, RototoJson.Default.JsonObject);
    }

    private static IEnumerable<CustomLintTarget> Values(WorkspaceDocument document)
    {
        var view = new VariableView(document);
        if (view.IsResourceBacked || view.Values is not { } values)
        {
            yield break;
        }
        foreach (var entry in values.Entries)
        {
            var value = JsonNode.Parse(entry.Value.ToJson().GetRawText());
            var json = new JsonObject
            {
                ["kind"] = "value",
                ["name"] = entry.Key,
                ["value"] = value?.DeepClone(),
                ["origin"] = new JsonObject { ["kind"] = "inline", ["doc"] = document.DocId },
                ["variable"] = new JsonObject { ["id"] = document.Id, ["uri"] = document.Uri, ["path"] = document.RelativePath },
            };
            var key = entry.Key;
            yield return new CustomLintTarget(DiagnosticEntity.Value(document.Id, key), document, LintContext.At(document, entry.Value), json,
                field => field switch
                {
                    "key" => JsonValue.Create(key),
                    null or "value" => value?.DeepClone(),
                    _ => Select(value, RegistrationRules.Segments(field, "value.")),
                });
        }
    }

    private static CustomLintTarget Schema(WorkspaceDocument document)
    {
        var schema = JsonNode.Parse(document.Json!.Value.GetRawText(), documentOptions: new JsonDocumentOptions { MaxDepth = NestingLimits.Schema });
        var json = new JsonObject { ["kind"] = "schema", ["uri"] = document.Uri, ["path"] = document.RelativePath, ["json"] = schema?.DeepClone() };
        return new CustomLintTarget(DiagnosticEntity.Schema(document.RelativePath), document, LintContext.At(document, (TomlNode?)null), json,
            field => field is null or "json" ? schema?.DeepClone() : Select(schema, RegistrationRules.Segments(field, "json.")));
    }

    /// <summary>The sub-value at object keys (or array indexes) <paramref name="segments"/>; null when missing.</summary>
    private static JsonNode? Select(JsonNode? node, string[] segments)
    {
        foreach (var segment in segments)
        {
            node = node switch
            {
                JsonObject obj => obj[segment],
                JsonArray array when int.TryParse(segment, out var i) && i >= 0 && i < array.Count => array[i],
                _ => null,
            };
        }
        return node?.DeepClone();
    }
}
