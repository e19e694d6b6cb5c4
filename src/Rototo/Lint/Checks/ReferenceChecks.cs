using System.Text.Json;
using Rototo.Discovery;
using Rototo.Model;
using Rototo.Toml;

namespace Rototo.Lint.Checks;

/// <summary>Reference-stage rules (§9.4): context attributes and types, references between files.</summary>
internal static class ReferenceChecks
{
    public static void Run(LintContext context)
    {
        var qualifiers = context.Parsed(DocumentKind.Qualifier).Select(d => new QualifierView(d)).ToList();
        var variables = context.Parsed(DocumentKind.Variable).Select(d => new VariableView(d)).ToList();
        var resources = context.Parsed(DocumentKind.Resource).Select(d => new ResourceView(d)).ToList();

        ContextAttributes(context, qualifiers);
        UnreferencedSchemas(context, resources);
        QualifierReferences(context, qualifiers);
        ResourceSchemaReferences(context, resources);
        VariableReferences(context, variables);
        ContextSchemaMissing(context, qualifiers, variables);
    }

    private static void ContextAttributes(LintContext context, List<QualifierView> qualifiers)
    {
        if (context.ValidContextSchema is not { } schema)
        {
            return;
        }
        foreach (var qualifier in qualifiers)
        {
            foreach (var predicate in qualifier.Predicates.Where(p => p.ReadsContext))
            {
                var entity = DiagnosticEntity.Predicate(qualifier.Id, predicate.Index);
                var declared = ContextSchemaTypes.Lookup(schema.Source, predicate.Attribute!);
                if (declared is null)
                {
                    context.Report("workspace-context-schema-attribute", entity, $"context attribute is not declared by the context schema: {predicate.Attribute}", qualifier.Document, predicate.AttributeNode!.Span);
                    continue;
                }
                if (ContextSchemaTypes.Mismatch(predicate, declared.Value) is { } mismatch)
                {
                    context.Report("qualifier-predicate-context-type-mismatch", entity, mismatch.Message, qualifier.Document, mismatch.Node.Span);
                }
            }
        }
    }

    private static void UnreferencedSchemas(LintContext context, List<ResourceView> resources)
    {
        var referenced = resources.Select(r => r.SchemaPath).Where(p => p is not null).ToHashSet(StringComparer.Ordinal);
        foreach (var schema in context.Parsed(DocumentKind.Schema))
        {
            if (schema.RelativePath == WorkspaceSnapshot.ContextSchemaPath || referenced.Contains(schema.RelativePath) || context.Schema(schema) is null)
            {
                continue;
            }
            context.Report("schema-unreferenced", DiagnosticEntity.Schema(schema.RelativePath), $"schema is not referenced: {schema.RelativePath}", schema, null);
        }
    }

    private static void QualifierReferences(LintContext context, List<QualifierView> qualifiers)
    {
        var ids = qualifiers.Select(q => q.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var qualifier in qualifiers)
        {
            foreach (var predicate in qualifier.Predicates)
            {
                if (predicate.ReferencedQualifier is { } target && !ids.Contains(target))
                {
                    var shown = target.Length == 0 ? "<empty>" : target;
                    context.Report("qualifier-predicate-unknown-qualifier", DiagnosticEntity.Predicate(qualifier.Id, predicate.Index), $"predicate references unknown qualifier: {shown}", qualifier.Document, predicate.AttributeNode!.Span);
                }
            }
        }
    }

    private static void ResourceSchemaReferences(LintContext context, List<ResourceView> resources)
    {
        foreach (var resource in resources.Where(r => r.Schema is not null))
        {
            var entity = DiagnosticEntity.Resource(resource.Id);
            var span = resource.SchemaNode!.Span;
            if (resource.SchemaPath is not { } path)
            {
                context.Report("resource-schema-ref", entity, $"resource schema reference is invalid: {resource.Schema} is not a relative path inside the workspace", resource.Document, span);
            }
            else if (context.Snapshot.FindByPath(path) is not { } target)
            {
                context.Report("resource-schema-ref", entity, $"resource schema reference is invalid: schema file not found: {path}", resource.Document, span);
            }
            else if (target.Kind != DocumentKind.Schema)
            {
                context.Report("resource-schema-ref", entity, $"resource schema reference is invalid: path is not a schema document: {path}", resource.Document, span);
            }
        }
    }

    private static void VariableReferences(LintContext context, List<VariableView> variables)
    {
        var qualifierIds = context.Parsed(DocumentKind.Qualifier).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        var resourceIds = context.Parsed(DocumentKind.Resource).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var variable in variables)
        {
            var document = variable.Document;
            if (variable.ResourceId is { } resourceId && !resourceIds.Contains(resourceId))
            {
                context.Report("variable-unknown-resource", DiagnosticEntity.Variable(variable.Id), $"variable references unknown resource: {resourceId}", document, variable.TypeNode!.Span);
            }

            HashSet<string>? keys = null;
            var noun = "value";
            if (variable.ResourceId is { } resource)
            {
                if (resourceIds.Contains(resource))
                {
                    // Only parsed objects exist for references: an object whose file failed to parse is unknown (§9.1).
                    keys = context.Parsed(DocumentKind.ResourceObject).Where(o => o.ResourceId == resource).Select(o => o.Id).ToHashSet(StringComparer.Ordinal);
                    noun = "resource object";
                }
            }
            else if (variable.Values is { Entries.Count: > 0 } values)
            {
                keys = values.Entries.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
            }

            if (keys is not null && variable.Default is { } defaultKey && !keys.Contains(defaultKey))
            {
                context.Report("variable-unknown-value", DiagnosticEntity.Variable(variable.Id), $"resolve default references unknown {noun}: {defaultKey}", document, variable.DefaultNode!.Span);
            }
            foreach (var rule in variable.Rules)
            {
                var entity = DiagnosticEntity.Rule(variable.Id, rule.Index);
                if (rule.Qualifier is { } qualifier && !qualifierIds.Contains(qualifier))
                {
                    context.Report("variable-rule-unknown-qualifier", entity, $"rule references unknown qualifier: {qualifier}", document, rule.QualifierNode!.Span);
                }
                if (keys is not null && rule.Value is { } value && !keys.Contains(value))
                {
                    context.Report("variable-unknown-value", entity, $"rule references unknown {noun}: {value}", document, rule.ValueNode!.Span);
                }
            }
        }
    }

    /// <summary>One warning when no context schema exists and a referenced, error-free qualifier reads the context.</summary>
    private static void ContextSchemaMissing(LintContext context, List<QualifierView> qualifiers, List<VariableView> variables)
    {
        if (context.ContextSchemaDocument is not null || context.HasErrors || context.Snapshot.Manifest is not { } manifest)
        {
            return;
        }
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in variables.SelectMany(v => v.Rules))
        {
            if (rule.Qualifier is { } id)
            {
                referenced.Add(id);
            }
        }
        foreach (var predicate in qualifiers.SelectMany(q => q.Predicates))
        {
            if (predicate.ReferencedQualifier is { } id)
            {
                referenced.Add(id);
            }
        }
        foreach (var qualifier in qualifiers.Where(q => referenced.Contains(q.Id)))
        {
            if (context.HasErrorForQualifier(qualifier.Id))
            {
                continue;
            }
            if (qualifier.Predicates.FirstOrDefault(p => p.ReadsContext) is { } reader)
            {
                var related = new RelatedInformation(LintContext.At(qualifier.Document, reader.AttributeNode), $"context attribute read here: {reader.Attribute}");
                context.Report("workspace-context-schema-missing", DiagnosticEntity.Manifest, $"workspace does not declare schemas/context.schema.json for qualifier context attribute: {reader.Attribute}", LintContext.At(manifest, (Text.TextSpan?)null), related);
                return;
            }
        }
    }
}

/// <summary>Context-schema lookups for predicate attributes (§9.4 attribute rule, §9.5 type compatibility).</summary>
internal static class ContextSchemaTypes
{
    private static readonly string[] TypeOrder = ["null", "boolean", "integer", "number", "string", "array", "object"];

    /// <summary>The schema of a dotted attribute path, walking only <c>properties</c>; null when undeclared.</summary>
    public static JsonElement? Lookup(JsonElement schema, string attribute)
    {
        var current = schema;
        foreach (var segment in attribute.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object ||
                !current.TryGetProperty("properties", out var properties) ||
                properties.ValueKind != JsonValueKind.Object ||
                !properties.TryGetProperty(segment, out var next))
            {
                return null;
            }
            current = next;
        }
        return current;
    }

    /// <summary>The §9.5 incompatibility of a predicate with its attribute's declared <c>type</c>, if any.</summary>
    public static (string Message, TomlNode Node)? Mismatch(PredicateView predicate, JsonElement declared)
    {
        if (predicate.Op is not { } op || !Model.Operators.IsKnown(op) || DeclaredTypes(declared) is not { } types)
        {
            return null;
        }
        var typeList = Join(types);
        switch (op)
        {
            case "eq" or "neq" when predicate.Value is { } value:
                var valueType = JsonType(value);
                return Allows(types, value) ? null : ($"{op} predicate value type {valueType} is incompatible with context attribute {predicate.Attribute} declared as {typeList}", value);
            case "in" or "not_in" when predicate.Value is TomlArrayNode members:
                var bad = members.Items.FirstOrDefault(m => !Allows(types, m));
                return bad is null ? null : ($"{op} predicate contains value type {JsonType(bad)} incompatible with context attribute {predicate.Attribute} declared as {typeList}", members);
            case "gt" or "gte" or "lt" or "lte":
                return types.All(t => t is "integer" or "number") ? null : ($"{op} predicate requires numeric context attribute, but {predicate.Attribute} is declared as {typeList}", predicate.OpNode!);
            case "bucket":
                return types.All(t => t is "boolean" or "integer" or "number" or "string") ? null : ($"bucket predicate requires scalar context attribute, but {predicate.Attribute} is declared as {typeList}", predicate.OpNode!);
            default:
                return null;
        }
    }

    private static List<string>? DeclaredTypes(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("type", out var type))
        {
            return null;
        }
        var names = type.ValueKind switch
        {
            JsonValueKind.String => [type.GetString()!],
            JsonValueKind.Array when type.EnumerateArray().All(t => t.ValueKind == JsonValueKind.String) => type.EnumerateArray().Select(t => t.GetString()!).ToList(),
            _ => null,
        };
        if (names is null || names.Count == 0 || names.Any(n => Array.IndexOf(TypeOrder, n) < 0))
        {
            return null;
        }
        return [.. names.Distinct().OrderBy(n => Array.IndexOf(TypeOrder, n))];
    }

    private static bool Allows(List<string> types, TomlNode value)
    {
        var type = JsonType(value);
        return types.Contains(type) || (type == "integer" && types.Contains("number"));
    }

    private static string JsonType(TomlNode node) => node switch
    {
        TomlScalarNode { Kind: TomlScalarKind.String } => "string",
        TomlScalarNode { Kind: TomlScalarKind.Integer } => "integer",
        TomlScalarNode { Kind: TomlScalarKind.Float } f => double.IsFinite(f.Real) ? "number" : "null",
        TomlScalarNode => "boolean",
        TomlArrayNode => "array",
        _ => "object",
    };

    private static string Join(List<string> types) => types.Count switch
    {
        1 => types[0],
        2 => $"{types[0]} or {types[1]}",
        _ => string.Join(", ", types.Take(types.Count - 1)) + ", or " + types[^1],
    };
}
