using System.Globalization;
using System.Text.Json;
using Json.Schema;
using Rototo.Json;

namespace Rototo.Schemas;

/// <summary>
/// Picks the first error of a failed evaluation and words it as rototo's engine (jsonschema-rs) does, e.g.
/// <c>Additional properties are not allowed ('x' was unexpected)</c> or <c>{"bad":"shape"} is not of type "string"</c>
/// (§3.5). "First" follows that engine's order: a schema's keywords in byte order (its keyword map is sorted), an
/// object's <c>properties</c> before the <c>additionalProperties</c> they are checked with, instance members in order.
/// </summary>
internal static class SchemaErrorText
{
    /// <summary>The first error of <paramref name="result"/> (hierarchical output), or null when none can be told.</summary>
    public static SchemaViolation? First(EvaluationResults result, JsonElement instance, SchemaDocuments documents)
    {
        var explainer = new Explainer(instance, documents);
        return explainer.First(result, null, null) is { } message ? new SchemaViolation(message, explainer.Path ?? "") : null;
    }

    private sealed class Explainer(JsonElement root, SchemaDocuments documents)
    {
        /// <summary>The JSON Pointer of the instance value the first error is about.</summary>
        public string? Path { get; private set; }

        /// <summary>The first error under <paramref name="node"/>; <paramref name="parent"/> is the parent node's schema and result.</summary>
        public string? First(EvaluationResults node, JsonElement? overrideInstance, (JsonElement? Schema, EvaluationResults Node)? parent)
        {
            if (node.IsValid)
            {
                return null;
            }
            var instance = overrideInstance ?? Pointer.Resolve(root, node.InstanceLocation.ToString()) ?? default;
            var schema = documents.At(node.SchemaLocation) ?? FromParent(node, parent);
            if (schema is { ValueKind: JsonValueKind.False } || node.Errors?.ContainsKey("") == true)
            {
                return $"False schema does not allow {Show(instance)}";
            }
            foreach (var group in Candidates(node, schema))
            {
                if (Describe(group.Key, group.ToList(), node, schema, instance) is { } message)
                {
                    Path ??= node.InstanceLocation.ToString();
                    return message;
                }
            }
            // Nothing recognisable: the library's own first message, so the reason is never lost.
            return node.Errors?.Values.FirstOrDefault() ?? node.Details?.Select(d => First(d, overrideInstance, (schema, node))).FirstOrDefault(m => m is not null);
        }

        /// <summary>A subschema the library's location does not name exactly (e.g. under <c>propertyNames</c>): the parent's schema plus the evaluation path step.</summary>
        private static JsonElement? FromParent(EvaluationResults node, (JsonElement? Schema, EvaluationResults Node)? parent)
        {
            if (parent is not ({ } schema, var parentNode))
            {
                return null;
            }
            var step = Pointer.Segments(node.EvaluationPath.ToString()).Skip(Pointer.Segments(parentNode.EvaluationPath.ToString()).Length);
            return Pointer.Resolve(schema, string.Concat(step.Select(s => "/" + s.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal))));
        }

        /// <summary>The failing keywords of a node, in the engine's order, each with its failing subschema results.</summary>
        private static IEnumerable<IGrouping<string, EvaluationResults?>> Candidates(EvaluationResults node, JsonElement? schema)
        {
            var entries = new List<(string Keyword, EvaluationResults? Child)>();
            foreach (var keyword in node.Errors?.Keys ?? Enumerable.Empty<string>())
            {
                entries.Add((keyword, null));
            }
            var parent = Pointer.Segments(node.EvaluationPath.ToString()).Length;
            foreach (var child in node.Details ?? [])
            {
                var segments = Pointer.Segments(child.EvaluationPath.ToString());
                if (segments.Length > parent)
                {
                    entries.Add((segments[parent], child));
                }
            }
            var hasAdditional = schema is { ValueKind: JsonValueKind.Object } s && s.TryGetProperty("additionalProperties", out _);
            return entries
                .GroupBy(e => e.Keyword, e => e.Child, StringComparer.Ordinal)
                .OrderBy(g => OrderKey(g.Key, hasAdditional), StringComparer.Ordinal);
        }

        private static string OrderKey(string keyword, bool hasAdditional) =>
            hasAdditional && keyword is "properties" or "patternProperties" ? "additionalProperties\0" + keyword
            : hasAdditional && keyword == "additionalProperties" ? "additionalProperties\u0001" : keyword;

        private string? Describe(string keyword, List<EvaluationResults?> children, EvaluationResults node, JsonElement? schema, JsonElement instance)
        {
            var value = schema is { ValueKind: JsonValueKind.Object } s && s.TryGetProperty(keyword, out var v) ? v : (JsonElement?)null;
            var failing = children.Where(c => c is { IsValid: false }).Cast<EvaluationResults>().OrderBy(c => c, InstanceOrder.Instance).ToList();
            switch (keyword)
            {
                case "if" or "format" or "$comment" or "title" or "description" or "default" or "examples":
                    return null;
                case "anyOf":
                    return children.Any(c => c is { IsValid: true }) ? null : $"{Show(instance)} is not valid under any of the schemas listed in the 'anyOf' keyword";
                case "oneOf":
                    var passing = children.Count(c => c is { IsValid: true });
                    return passing == 1 ? null : passing == 0
                        ? $"{Show(instance)} is not valid under any of the schemas listed in the 'oneOf' keyword"
                        : $"{Show(instance)} is valid under more than one of the schemas listed in the 'oneOf' keyword";
                case "not":
                    return children.All(c => c is { IsValid: false }) ? null : $"{(value is { } n ? Show(n) : "{}")} is not allowed for {Show(instance)}";
                case "contains" or "minContains" or "maxContains":
                    return $"None of {Show(instance)} are valid under the given schema";
                case "additionalProperties" or "unevaluatedProperties" when value is { ValueKind: JsonValueKind.False }:
                    return Unexpected(keyword == "additionalProperties" ? "Additional properties" : "Unevaluated properties", failing.Select(c => $"'{LastSegment(c)}'"));
                case "unevaluatedItems" or "additionalItems" when value is { ValueKind: JsonValueKind.False }:
                    var items = failing.Select(c => Pointer.Resolve(root, c.InstanceLocation.ToString()) is { } item ? Show(item) : LastSegment(c));
                    return Unexpected(keyword == "additionalItems" ? "Additional items" : "Unevaluated items", keyword == "additionalItems" ? items : items.Select(i => $"'{i}'"));
                case "propertyNames":
                    return failing.Select(c => First(c, JsonSerializer.SerializeToElement(LastSegment(c), RototoJson.Default.String), (schema, node))).FirstOrDefault(m => m is not null);
            }
            if (failing.Count > 0)
            {
                return failing.Select(c => First(c, null, (schema, node))).FirstOrDefault(m => m is not null);
            }
            return node.Errors?.ContainsKey(keyword) == true ? Assertion(keyword, value, instance) ?? node.Errors[keyword] : null;
        }

        private static string? Assertion(string keyword, JsonElement? value, JsonElement instance)
        {
            var shown = Show(instance);
            var limit = value is { } l ? Show(l) : "";
            return keyword switch
            {
                "type" => Type(value, shown),
                "enum" => $"{shown} is not one of {limit}",
                "const" => $"{limit} was expected",
                "minimum" => $"{shown} is less than the minimum of {limit}",
                "maximum" => $"{shown} is greater than the maximum of {limit}",
                "exclusiveMinimum" => $"{shown} is less than or equal to the minimum of {limit}",
                "exclusiveMaximum" => $"{shown} is greater than or equal to the maximum of {limit}",
                "minLength" => $"{shown} is shorter than {limit} character{Plural(value, "", "s")}",
                "maxLength" => $"{shown} is longer than {limit} character{Plural(value, "", "s")}",
                "minItems" => $"{shown} has less than {limit} item{Plural(value, "", "s")}",
                "maxItems" => $"{shown} has more than {limit} item{Plural(value, "", "s")}",
                "minProperties" => $"{shown} has less than {limit} propert{Plural(value, "y", "ies")}",
                "maxProperties" => $"{shown} has more than {limit} propert{Plural(value, "y", "ies")}",
                "pattern" => $"{shown} does not match \"{value?.GetString()}\"",
                "multipleOf" => $"{shown} is not a multiple of {RustFloat(value)}",
                "uniqueItems" => $"{shown} has non-unique elements",
                "required" => MissingRequired(value, instance),
                "dependentRequired" => value is { ValueKind: JsonValueKind.Object } map ? SerdeJson.SortedProperties(map)
                    .Where(p => instance.ValueKind == JsonValueKind.Object && instance.TryGetProperty(p.Key, out _))
                    .Select(p => MissingRequired(p.Value, instance)).FirstOrDefault(m => m is not null) : null,
                _ => null,
            };
        }

        private static string? Type(JsonElement? value, string shown)
        {
            if (value is { ValueKind: JsonValueKind.String } single)
            {
                return $"{shown} is not of type \"{single.GetString()}\"";
            }
            if (value is { ValueKind: JsonValueKind.Array } list)
            {
                var names = list.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!).Distinct().Order(StringComparer.Ordinal).ToList();
                return names.Count == 1 ? $"{shown} is not of type \"{names[0]}\"" : $"{shown} is not of types {string.Join(", ", names.Select(n => $"\"{n}\""))}";
            }
            return null;
        }

        private static string? MissingRequired(JsonElement? required, JsonElement instance)
        {
            if (required is not { ValueKind: JsonValueKind.Array } names || instance.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            var missing = names.EnumerateArray().FirstOrDefault(n => n.ValueKind == JsonValueKind.String && !instance.TryGetProperty(n.GetString()!, out _));
            return missing.ValueKind == JsonValueKind.String ? $"{Show(missing)} is a required property" : null;
        }

        private static string Unexpected(string what, IEnumerable<string> names)
        {
            var list = names.ToList();
            return $"{what} are not allowed ({string.Join(", ", list)} {(list.Count == 1 ? "was" : "were")} unexpected)";
        }

        private static string Plural(JsonElement? limit, string one, string many) =>
            limit is { ValueKind: JsonValueKind.Number } n && n.TryGetInt64(out var count) && count == 1 ? one : many;

        /// <summary>A limit as Rust prints an f64: shortest round-trip digits, never an exponent, no <c>.0</c> on whole numbers.</summary>
        private static string RustFloat(JsonElement? value) =>
            value is { ValueKind: JsonValueKind.Number } n ? n.GetDouble().ToString("0.################################", CultureInfo.InvariantCulture) : "";

        private static string LastSegment(EvaluationResults result) => Pointer.Segments(result.InstanceLocation.ToString()) is { Length: > 0 } s ? s[^1] : "";

        private static string Show(JsonElement value) => value.ValueKind == JsonValueKind.Undefined ? "null" : SerdeJson.Compact(value);
    }

    /// <summary>Orders subschema results by instance location: object members in byte order, array items by index.</summary>
    private sealed class InstanceOrder : IComparer<EvaluationResults>
    {
        public static readonly InstanceOrder Instance = new();

        public int Compare(EvaluationResults? x, EvaluationResults? y)
        {
            var a = Pointer.Segments(x!.InstanceLocation.ToString());
            var b = Pointer.Segments(y!.InstanceLocation.ToString());
            for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
            {
                var order = int.TryParse(a[i], NumberStyles.None, CultureInfo.InvariantCulture, out var l) && int.TryParse(b[i], NumberStyles.None, CultureInfo.InvariantCulture, out var r)
                    ? l.CompareTo(r)
                    : Utf8Order.Compare(a[i], b[i]);
                if (order != 0)
                {
                    return order;
                }
            }
            return a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(x.EvaluationPath.ToString(), y.EvaluationPath.ToString());
        }
    }
}

/// <summary>A value's first schema error: rototo's message and the JSON Pointer of the offending value (<c>""</c> for the root).</summary>
/// <param name="Message">The error text in rototo's wording.</param>
/// <param name="Path">Where in the value, e.g. <c>/user/tier</c>.</param>
internal sealed record SchemaViolation(string Message, string Path);
