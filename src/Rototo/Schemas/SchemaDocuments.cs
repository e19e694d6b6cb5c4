using System.Text.Json;
using Json.Schema;
using Meta = Json.Schema.MetaSchemas;

namespace Rototo.Schemas;

/// <summary>
/// The JSON of the schema documents an evaluation can pass through, by base URI, so that an error's keyword value
/// (the <c>enum</c> options, the <c>minimum</c> limit...) can be read for its message.
/// </summary>
internal sealed class SchemaDocuments
{
    private readonly Dictionary<string, JsonElement> _documents;

    private SchemaDocuments(Dictionary<string, JsonElement> documents)
    {
        _documents = documents;
    }

    /// <summary>The base URI given to a workspace schema without an <c>$id</c>.</summary>
    public static Uri LocalBase { get; } = new("https://rototo.invalid/schema.json");

    /// <summary>The meta-schemas of the supported drafts (Draft 6, 7, 2019-09 and 2020-12 with their vocabularies).</summary>
    public static SchemaDocuments MetaSchemas { get; } = new(new JsonSchema[]
    {
        Meta.Draft6, Meta.Draft7,
        Meta.Draft201909, Meta.Core201909, Meta.Applicator201909,
        Meta.Validation201909, Meta.Metadata201909, Meta.Format201909,
        Meta.Content201909,
        Meta.Draft202012, Meta.Core202012, Meta.Applicator202012,
        Meta.Unevaluated202012, Meta.Validation202012, Meta.Metadata202012,
        Meta.FormatAnnotation202012, Meta.Content202012,
    }.ToDictionary(s => Key(s.BaseUri), s => s.Root.Source, StringComparer.Ordinal));

    /// <summary>The documents of one workspace schema: itself, under its base URI.</summary>
    public static SchemaDocuments For(JsonElement schema, Uri baseUri) =>
        new(new Dictionary<string, JsonElement>(StringComparer.Ordinal) { [Key(baseUri)] = schema });

    /// <summary>The schema JSON at an absolute schema location (<c>base#/json/pointer</c>), or null when unknown.</summary>
    public JsonElement? At(Uri location)
    {
        if (!_documents.TryGetValue(Key(location), out var document))
        {
            return null;
        }
        return Pointer.Resolve(document, Uri.UnescapeDataString(location.Fragment.TrimStart('#')));
    }

    private static string Key(Uri uri) => uri.GetLeftPart(UriPartial.Query);
}

/// <summary>JSON Pointer (RFC 6901) over <see cref="JsonElement"/> values.</summary>
internal static class Pointer
{
    /// <summary>The unescaped segments of a pointer string (<c>/a/b~1c</c> → <c>a</c>, <c>b/c</c>).</summary>
    public static string[] Segments(string pointer) =>
        pointer.Length == 0 ? [] : [.. pointer.TrimStart('/').Split('/').Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];

    /// <summary>The value at <paramref name="pointer"/>, or null when it does not exist.</summary>
    public static JsonElement? Resolve(JsonElement root, string pointer)
    {
        var current = root;
        foreach (var segment in Segments(pointer))
        {
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(segment, out var next))
            {
                current = next;
            }
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(segment, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) && index < current.GetArrayLength())
            {
                current = current[index];
            }
            else
            {
                return null;
            }
        }
        return current;
    }
}
