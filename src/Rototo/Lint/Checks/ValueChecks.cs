using System.Text.Json;
using Rototo.Discovery;
using Rototo.Model;
using Rototo.Toml;

namespace Rototo.Lint.Checks;

/// <summary>Value-stage rules (§9.4): resource objects against their schemas and references, inline values against types.</summary>
internal static class ValueChecks
{
    private static readonly string[] PrimitiveTypes = ["bool", "int", "number", "string", "list"];

    public static void Run(LintContext context)
    {
        ResourceObjects(context);
        VariableValues(context);
    }

    private static void ResourceObjects(LintContext context)
    {
        // Objects of files that failed to parse are not in the semantic index: references to them are unknown (§9.1).
        var objectKeys = context.Parsed(DocumentKind.ResourceObject)
            .GroupBy(o => o.ResourceId!)
            .ToDictionary(g => g.Key, g => g.Select(o => o.Id).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        var resourceIds = context.Parsed(DocumentKind.Resource).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);

        foreach (var resource in context.Parsed(DocumentKind.Resource).Select(d => new ResourceView(d)))
        {
            if (resource.SchemaPath is not { } path || context.Snapshot.FindByPath(path) is not { Kind: DocumentKind.Schema, Json: not null } schemaDocument ||
                context.Schema(schemaDocument) is not { } schema)
            {
                continue;
            }
            foreach (var obj in context.Parsed(DocumentKind.ResourceObject).Where(o => o.ResourceId == resource.Id))
            {
                var entity = DiagnosticEntity.ResourceObject(resource.Id, obj.Id);
                var json = obj.Toml!.ToJson();
                var span = RootSpan(obj);
                if (schema.FirstError(json) is { } error)
                {
                    context.Report("resource-object-schema-mismatch", entity, $"resource object {obj.Id} does not match schema: {error}", obj, span);
                }
                foreach (var message in ResourceReferences.Check(schema.Source, json, resourceIds, objectKeys))
                {
                    context.Report("resource-object-unknown-reference", entity, message, obj, span);
                }
            }
        }
    }

    /// <summary>The root table of an object file, which is the whole file (§9: the object's location is its root table).</summary>
    private static Text.TextSpan RootSpan(WorkspaceDocument document) => document.Toml!.Span;

    private static void VariableValues(LintContext context)
    {
        foreach (var variable in context.Parsed(DocumentKind.Variable).Select(d => new VariableView(d)))
        {
            if (variable.IsResourceBacked || variable.Type is not { } type)
            {
                continue;
            }
            if (Array.IndexOf(PrimitiveTypes, type) < 0)
            {
                context.Report("variable-unknown-type", DiagnosticEntity.Variable(variable.Id), $"variable declares unknown type: {type}", variable.Document, variable.TypeNode!.Span);
                continue;
            }
            foreach (var entry in variable.Values?.Entries ?? [])
            {
                if (!Matches(type, entry.Value))
                {
                    context.Report("variable-value-type-mismatch", DiagnosticEntity.Value(variable.Id, entry.Key), $"value {entry.Key} does not match type {type}", variable.Document, entry.Value.Span);
                }
            }
        }
    }

    /// <summary>Primitive type membership (§3.3): int excludes floats such as <c>3.0</c>; objects never match.</summary>
    public static bool Matches(string type, TomlNode value) => type switch
    {
        "bool" => value is TomlScalarNode { Kind: TomlScalarKind.Boolean },
        "int" => value is TomlScalarNode { Kind: TomlScalarKind.Integer },
        "number" => value is TomlScalarNode { Kind: TomlScalarKind.Integer } || (value is TomlScalarNode { Kind: TomlScalarKind.Float } real && double.IsFinite(real.Real)),
        "string" => value is TomlScalarNode { Kind: TomlScalarKind.String },
        "list" => value is TomlArrayNode,
        _ => false,
    };
}

/// <summary>Follows <c>x-rototo-resource</c> markers through a schema and checks the referenced object keys (§3.4).</summary>
internal static class ResourceReferences
{
    public static List<string> Check(JsonElement schema, JsonElement value, HashSet<string> resources, Dictionary<string, HashSet<string>> objects)
    {
        var messages = new List<string>();
        Walk(schema, value, "$", resources, objects, messages);
        return messages;
    }

    private static void Walk(JsonElement schema, JsonElement value, string path, HashSet<string> resources, Dictionary<string, HashSet<string>> objects, List<string> messages)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return;
        }
        if (schema.TryGetProperty("x-rototo-resource", out var marker) && marker.ValueKind == JsonValueKind.String && value.ValueKind == JsonValueKind.String)
        {
            var resource = marker.GetString()!;
            var key = value.GetString()!;
            if (!resources.Contains(resource))
            {
                messages.Add($"{path} references unknown resource: {resource}");
            }
            else if (!objects.TryGetValue(resource, out var keys) || !keys.Contains(key))
            {
                messages.Add($"{path} references unknown {resource} object: {key}");
            }
        }
        if (schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object && value.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in properties.EnumerateObject())
            {
                if (value.TryGetProperty(property.Name, out var child))
                {
                    Walk(property.Value, child, $"{path}.{property.Name}", resources, objects, messages);
                }
            }
        }
        if (schema.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Object && value.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                Walk(items, item, $"{path}[{index++}]", resources, objects, messages);
            }
        }
        foreach (var keyword in new[] { "allOf", "anyOf", "oneOf" })
        {
            if (schema.TryGetProperty(keyword, out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var sub in list.EnumerateArray())
                {
                    Walk(sub, value, path, resources, objects, messages);
                }
            }
        }
    }
}
