using System.Text.Json;
using Json.Schema;

namespace Rototo.Schemas;

/// <summary>A JSON Schema that compiled, ready to validate values (JsonSchema.Net underneath, spec §3.5).</summary>
internal sealed class CompiledSchema
{
    private static readonly EvaluationOptions Check = new() { OutputFormat = OutputFormat.Flag };
    private static readonly EvaluationOptions Explain = new() { OutputFormat = OutputFormat.Hierarchical };

    private readonly JsonSchema _schema;
    private readonly SchemaDocuments _documents;

    public CompiledSchema(JsonSchema schema, JsonElement source, SchemaDocuments documents)
    {
        _schema = schema;
        Source = source;
        _documents = documents;
    }

    /// <summary>The schema document as JSON.</summary>
    public JsonElement Source { get; }

    /// <summary>
    /// Validates <paramref name="value"/>; returns the first error's text in rototo's wording (jsonschema-rs), or null
    /// when valid. <c>format</c> is an annotation, not an assertion (rototo's default for drafts 2019-09 and 2020-12).
    /// </summary>
    public string? FirstError(JsonElement value) => Violation(value)?.Message;

    /// <summary>Like <see cref="FirstError"/>, with the JSON Pointer of the offending value.</summary>
    /// <remarks>A check that passes a bound of <see cref="BoundedDialects"/> (a regular expression's time, references followed) refuses the value.</remarks>
    public SchemaViolation? Violation(JsonElement value)
    {
        try
        {
            if (BoundedKeywords.Evaluate(_schema, value, Check).IsValid)
            {
                return null;
            }
            return SchemaErrorText.First(BoundedKeywords.Evaluate(_schema, value, Explain), value, _documents) ?? new SchemaViolation("value does not match the schema", "");
        }
        catch (SchemaLimitException e)
        {
            return new SchemaViolation(e.Message, e.Path);
        }
    }
}

/// <summary>
/// Compiles schemas as rototo's engine does (§3.5): the draft comes from <c>$schema</c> (Draft 6, 7, 2019-09, 2020-12),
/// <b>Draft 2020-12 by default</b>; the schema must pass its draft's meta-schema (so <c>"type": "not-a-type"</c> and,
/// in 2020-12, <c>"exclusiveMinimum": true</c> are invalid); no remote <c>$ref</c> is fetched; the regular expressions
/// run with a match timeout and references are bounded (<see cref="BoundedDialects"/>).
/// </summary>
internal static class SchemaCompiler
{
    private static readonly EvaluationOptions MetaCheck = new() { OutputFormat = OutputFormat.Flag };
    private static readonly EvaluationOptions MetaExplain = new() { OutputFormat = OutputFormat.Hierarchical };

    /// <summary>Compiles <paramref name="json"/>; on failure <paramref name="error"/> is the reason (rototo's wording where it has one).</summary>
    public static bool TryCompile(JsonElement json, out CompiledSchema? compiled, out string? error)
    {
        compiled = null;
        if (json.ValueKind is not (JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False))
        {
            error = $"{Rototo.Json.SerdeJson.Compact(json)} is not of types \"boolean\", \"object\"";
            return false;
        }
        var (dialect, meta) = Draft(json);
        if (meta is null)
        {
            error = $"unsupported JSON Schema draft: {Rototo.Json.SerdeJson.Compact(json.GetProperty("$schema"))}";
            return false;
        }
        if (!meta.Evaluate(json, MetaCheck).IsValid)
        {
            error = SchemaErrorText.First(meta.Evaluate(json, MetaExplain), json, SchemaDocuments.MetaSchemas)?.Message ?? "schema does not match its meta-schema";
            return false;
        }
        try
        {
            // A registry per schema: an $id never leaks into (or collides in) the process-wide registry.
            var options = new BuildOptions { SchemaRegistry = new SchemaRegistry(), Dialect = dialect, DialectRegistry = BoundedDialects.Registry };
            var schema = JsonSchema.Build(json, options, SchemaDocuments.LocalBase);
            compiled = new CompiledSchema(schema, json, SchemaDocuments.For(json, schema.BaseUri));
            error = null;
            return true;
        }
        catch (Exception e) when (e is JsonSchemaException or RefResolutionException or ArgumentException or FormatException or InvalidOperationException or JsonException)
        {
            error = e.Message;
            return false;
        }
    }

    /// <summary>The dialect and meta-schema named by <c>$schema</c>; Draft 2020-12 when absent; null meta-schema when unsupported.</summary>
    private static (Dialect Dialect, JsonSchema? Meta) Draft(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty("$schema", out var declared))
        {
            return (BoundedDialects.Draft202012, MetaSchemas.Draft202012);
        }
        var id = declared.ValueKind == JsonValueKind.String ? declared.GetString()!.TrimEnd('#') : "";
        return id switch
        {
            "https://json-schema.org/draft/2020-12/schema" => (BoundedDialects.Draft202012, MetaSchemas.Draft202012),
            "https://json-schema.org/draft/2019-09/schema" => (BoundedDialects.Draft201909, MetaSchemas.Draft201909),
            "http://json-schema.org/draft-07/schema" => (BoundedDialects.Draft07, MetaSchemas.Draft7),
            "http://json-schema.org/draft-06/schema" => (BoundedDialects.Draft06, MetaSchemas.Draft6),
            _ => (BoundedDialects.Draft202012, null),
        };
    }
}
