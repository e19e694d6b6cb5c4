using System.Text.Json;
using System.Text.RegularExpressions;
using NJsonSchema;
using NJsonSchema.Validation;

namespace Rototo.Schemas;

/// <summary>A JSON Schema that compiled, ready to validate values (NJsonSchema underneath).</summary>
internal sealed class CompiledSchema(JsonSchema schema, JsonElement source)
{
    /// <summary>The schema document as JSON.</summary>
    public JsonElement Source { get; } = source;

    /// <summary>
    /// Validates <paramref name="value"/>; returns the first error's text, or null when valid. <c>format</c> is an
    /// annotation, not an assertion (rototo's default for drafts 2019-09 and 2020-12, spec §3.5): no format is checked.
    /// </summary>
    public string? FirstError(JsonElement value)
    {
        var validator = new JsonSchemaValidator(new JsonSchemaValidatorSettings { FormatValidators = [] });
        var errors = validator.Validate(value.GetRawText(), schema, SchemaType.JsonSchema);
        var first = errors.FirstOrDefault();
        return first is null ? null : SchemaErrorText.Describe(first, value);
    }
}

/// <summary>
/// Compiles schemas: a structural check of the schema against the JSON Schema vocabulary (so that
/// <c>"type": "not-a-type"</c> is invalid, as meta-schema validation makes it in rototo), then NJsonSchema.
/// </summary>
internal static class SchemaCompiler
{
    private static readonly HashSet<string> TypeNames = ["null", "boolean", "object", "array", "number", "string", "integer"];
    private static readonly string[] SchemaKeywords = ["additionalProperties", "additionalItems", "not", "contains", "propertyNames", "if", "then", "else", "unevaluatedProperties", "unevaluatedItems"];
    private static readonly string[] SchemaMapKeywords = ["properties", "patternProperties", "definitions", "$defs", "dependentSchemas"];
    private static readonly string[] SchemaListKeywords = ["allOf", "anyOf", "oneOf", "prefixItems"];
    private static readonly string[] NumberKeywords = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"];
    private static readonly string[] CountKeywords = ["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties", "minContains", "maxContains"];

    public static bool TryCompile(JsonElement json, out CompiledSchema? compiled, out string? error)
    {
        compiled = null;
        error = Check(json, "");
        if (error is not null)
        {
            return false;
        }
        try
        {
            var text = json.ValueKind == JsonValueKind.True ? "{}" : json.ValueKind == JsonValueKind.False ? "{\"not\":{}}" : json.GetRawText();
            var schema = JsonSchema.FromJsonAsync(text).GetAwaiter().GetResult();
            compiled = new CompiledSchema(schema, json);
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or Newtonsoft.Json.JsonException or ArgumentException)
        {
            error = e.Message;
            return false;
        }
    }

    private static string? Check(JsonElement schema, string path)
    {
        if (schema.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return null;
        }
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return $"{Render(schema)} is not of types \"boolean\", \"object\"";
        }
        if (schema.TryGetProperty("type", out var type))
        {
            var names = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().ToList() : [type];
            foreach (var name in names)
            {
                if (name.ValueKind != JsonValueKind.String || !TypeNames.Contains(name.GetString()!))
                {
                    return $"{Render(type)} is not valid under any of the schemas listed in the 'anyOf' keyword";
                }
            }
        }
        foreach (var keyword in SchemaKeywords)
        {
            if (schema.TryGetProperty(keyword, out var sub) && Check(sub, $"{path}/{keyword}") is { } error)
            {
                return error;
            }
        }
        if (schema.TryGetProperty("items", out var items))
        {
            var list = items.ValueKind == JsonValueKind.Array ? items.EnumerateArray().ToList() : [items];
            foreach (var item in list)
            {
                if (Check(item, path + "/items") is { } error)
                {
                    return error;
                }
            }
        }
        foreach (var keyword in SchemaMapKeywords)
        {
            if (!schema.TryGetProperty(keyword, out var map))
            {
                continue;
            }
            if (map.ValueKind != JsonValueKind.Object)
            {
                return $"{Render(map)} is not of type \"object\"";
            }
            foreach (var property in map.EnumerateObject())
            {
                if (Check(property.Value, $"{path}/{keyword}/{property.Name}") is { } error)
                {
                    return error;
                }
            }
        }
        foreach (var keyword in SchemaListKeywords)
        {
            if (!schema.TryGetProperty(keyword, out var list))
            {
                continue;
            }
            if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
            {
                return $"{Render(list)} is not of type \"array\" with at least one item";
            }
            foreach (var item in list.EnumerateArray())
            {
                if (Check(item, $"{path}/{keyword}") is { } error)
                {
                    return error;
                }
            }
        }
        if (schema.TryGetProperty("required", out var required) &&
            (required.ValueKind != JsonValueKind.Array || required.EnumerateArray().Any(r => r.ValueKind != JsonValueKind.String)))
        {
            return $"{Render(required)} is not of type \"array\" of strings";
        }
        if (schema.TryGetProperty("enum", out var enumeration) && enumeration.ValueKind != JsonValueKind.Array)
        {
            return $"{Render(enumeration)} is not of type \"array\"";
        }
        foreach (var keyword in NumberKeywords)
        {
            if (schema.TryGetProperty(keyword, out var number) && number.ValueKind != JsonValueKind.Number && !(keyword.StartsWith("exclusive", StringComparison.Ordinal) && number.ValueKind is JsonValueKind.True or JsonValueKind.False))
            {
                return $"{Render(number)} is not of type \"number\"";
            }
        }
        foreach (var keyword in CountKeywords)
        {
            if (schema.TryGetProperty(keyword, out var count) && (count.ValueKind != JsonValueKind.Number || !count.TryGetInt64(out var n) || n < 0))
            {
                return $"{Render(count)} is not a non-negative integer";
            }
        }
        if (schema.TryGetProperty("pattern", out var pattern))
        {
            if (pattern.ValueKind != JsonValueKind.String)
            {
                return $"{Render(pattern)} is not of type \"string\"";
            }
            try
            {
                _ = new Regex(pattern.GetString()!, RegexOptions.ECMAScript, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException)
            {
                return $"{Render(pattern)} is not a \"regex\"";
            }
        }
        return null;
    }

    private static string Render(JsonElement value) => Json.SerdeJson.Compact(value);
}
