using System.Text.Json;
using System.Text.Json.Nodes;
using Rototo.Json;
using Rototo.Lint.Checks;
using Rototo.Runtime;

namespace Rototo.Fixtures;

/// <summary>
/// Finds contexts that drive qualifiers to wanted values, for generated fixtures (§15 <c>fixtures</c>). Each context
/// attribute gets one value, chosen from candidates the workspace itself suggests: predicate operands and list members,
/// numbers next to ordering bounds, ids inside and outside bucket ranges, the context schema's <c>enum</c>/<c>const</c>,
/// then a few neutral values. A search assigns attributes predicate by predicate (a qualifier is true when all its
/// predicates hold, false when one fails); the caller checks the result with the real evaluator.
/// </summary>
internal sealed class ContextSynthesizer(RuntimeModel model)
{
    private readonly Dictionary<string, List<JsonElement>> _candidates = new(StringComparer.Ordinal);

    /// <summary>Attribute values and qualifier values decided so far.</summary>
    internal sealed class Assignment
    {
        public Dictionary<string, JsonElement> Values { get; private set; } = new(StringComparer.Ordinal);

        public Dictionary<int, bool> Qualifiers { get; private set; } = [];

        public Assignment Clone() => new() { Values = new(Values, StringComparer.Ordinal), Qualifiers = new(Qualifiers) };

        public void Take(Assignment other)
        {
            Values = other.Values;
            Qualifiers = other.Qualifiers;
        }
    }

    /// <summary>Makes qualifier <paramref name="index"/> evaluate to <paramref name="wanted"/>, extending <paramref name="assignment"/>.</summary>
    public bool Require(int index, bool wanted, Assignment assignment, int depth = 0)
    {
        if (assignment.Qualifiers.TryGetValue(index, out var decided))
        {
            return decided == wanted;
        }
        if (depth > 16)
        {
            return false;
        }
        var trial = assignment.Clone();
        trial.Qualifiers[index] = wanted;
        var predicates = model.Qualifiers[index].Predicates;
        if (wanted)
        {
            if (predicates.All(p => Satisfy(p, true, trial, depth)))
            {
                assignment.Take(trial);
                return true;
            }
            return false;
        }
        // One failing predicate is enough; prefer one whose attribute is still free.
        foreach (var predicate in predicates.OrderBy(p => p.Path is not null && trial.Values.ContainsKey(p.Attribute) ? 1 : 0))
        {
            var attempt = trial.Clone();
            if (Satisfy(predicate, false, attempt, depth))
            {
                assignment.Take(attempt);
                return true;
            }
        }
        return false;
    }

    /// <summary>Gives every attribute the qualifiers read a value, preferring one that makes none of their predicates hold.</summary>
    public void Fill(Assignment assignment)
    {
        foreach (var group in model.Qualifiers.SelectMany(q => q.Predicates).Where(p => p.Path is not null).GroupBy(p => p.Attribute, StringComparer.Ordinal))
        {
            if (assignment.Values.ContainsKey(group.Key))
            {
                continue;
            }
            var candidates = Candidates(group.Key);
            assignment.Values[group.Key] = candidates.FirstOrDefault(c => group.All(p => !Evaluator.Apply(p, c, out _)), candidates[0]);
        }
    }

    /// <summary>The context object of an assignment; null when two attributes collide (one is a prefix of the other).</summary>
    public static JsonObject? Context(Assignment assignment)
    {
        var root = new JsonObject();
        foreach (var (attribute, value) in assignment.Values.OrderBy(v => v.Key, Utf8Order.Instance))
        {
            var segments = attribute.Split('.');
            var target = root;
            foreach (var segment in segments[..^1])
            {
                switch (target[segment])
                {
                    case null when !target.ContainsKey(segment):
                        var next = new JsonObject();
                        target[segment] = next;
                        target = next;
                        break;
                    case JsonObject existing:
                        target = existing;
                        break;
                    default:
                        return null;
                }
            }
            if (target.ContainsKey(segments[^1]))
            {
                return null;
            }
            target[segments[^1]] = JsonSerializer.SerializeToNode(value, RototoJson.Default.JsonElement);
        }
        return root;
    }

    private bool Satisfy(RuntimePredicate predicate, bool wanted, Assignment assignment, int depth)
    {
        if (predicate.Reference >= 0)
        {
            foreach (var value in new[] { true, false })
            {
                var attempt = assignment.Clone();
                if (Evaluator.Apply(predicate, Literal(value ? "true" : "false"), out _) == wanted && Require(predicate.Reference, value, attempt, depth + 1))
                {
                    assignment.Take(attempt);
                    return true;
                }
            }
            return false;
        }
        if (assignment.Values.TryGetValue(predicate.Attribute, out var fixedValue))
        {
            return Evaluator.Apply(predicate, fixedValue, out _) == wanted;
        }
        // Of the values that give the wanted result, the one that makes the fewest other predicates on this attribute hold,
        // so that later requirements (other qualifiers false) still have room.
        var others = model.Qualifiers.SelectMany(q => q.Predicates).Where(p => p != predicate && p.Path is not null && p.Attribute == predicate.Attribute).ToList();
        var chosen = Candidates(predicate.Attribute)
            .Where(c => Evaluator.Apply(predicate, c, out _) == wanted)
            .Select(c => (Value: c, Holding: others.Count(p => Evaluator.Apply(p, c, out _))))
            .OrderBy(c => c.Holding)
            .FirstOrDefault();
        if (chosen.Value.ValueKind == JsonValueKind.Undefined)
        {
            return false;
        }
        assignment.Values[predicate.Attribute] = chosen.Value;
        return true;
    }

    private List<JsonElement> Candidates(string attribute)
    {
        if (_candidates.TryGetValue(attribute, out var cached))
        {
            return cached;
        }
        var texts = new List<string>();
        var segment = attribute.Split('.')[^1];
        if (model.ContextSchema is { } schema && ContextSchemaTypes.Lookup(schema.Source, attribute) is { ValueKind: JsonValueKind.Object } declared)
        {
            if (declared.TryGetProperty("enum", out var options) && options.ValueKind == JsonValueKind.Array)
            {
                texts.AddRange(options.EnumerateArray().Select(SerdeJson.Compact));
            }
            if (declared.TryGetProperty("const", out var constant))
            {
                texts.Add(SerdeJson.Compact(constant));
            }
        }
        foreach (var predicate in model.Qualifiers.SelectMany(q => q.Predicates).Where(p => p.Path is not null && p.Attribute == attribute))
        {
            switch (predicate.Operator)
            {
                case PredicateOperator.Bucket:
                    texts.AddRange(BucketIds(predicate, segment));
                    break;
                case PredicateOperator.In or PredicateOperator.NotIn:
                    texts.AddRange(predicate.Members.Select(m => SerdeJson.Compact(m.Element)));
                    break;
                default:
                    texts.Add(SerdeJson.Compact(predicate.Expected));
                    if (predicate.Expected.ValueKind == JsonValueKind.Number)
                    {
                        texts.AddRange(Neighbours(predicate.Expected));
                    }
                    break;
            }
        }
        texts.AddRange([Quote(segment + "-other"), "0", "-1", "1000000", "true", "false", Quote("")]);
        var list = texts.Distinct(StringComparer.Ordinal).Select(Literal).Where(c => Allowed(attribute, c)).ToList();
        if (list.Count == 0)
        {
            list.Add(Literal(Quote(segment + "-other")));
        }
        _candidates[attribute] = list;
        return list;
    }

    /// <summary>Whether the context schema allows <paramref name="value"/> for the attribute, judged by its <c>enum</c>, <c>const</c> and <c>type</c>.</summary>
    private bool Allowed(string attribute, JsonElement value)
    {
        if (model.ContextSchema is not { } schema || ContextSchemaTypes.Lookup(schema.Source, attribute) is not { ValueKind: JsonValueKind.Object } declared)
        {
            return true;
        }
        if (declared.TryGetProperty("enum", out var options) && options.ValueKind == JsonValueKind.Array && !options.EnumerateArray().Any(o => JsonEquality.Structural(o, value)))
        {
            return false;
        }
        if (declared.TryGetProperty("const", out var constant) && !JsonEquality.Structural(constant, value))
        {
            return false;
        }
        if (!declared.TryGetProperty("type", out var type))
        {
            return true;
        }
        var names = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.ToString()).ToList() : [type.ToString()];
        var kind = value.ValueKind switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => JsonNumber.Read(value).IsInteger ? "integer" : "number",
            JsonValueKind.Array => "array",
            JsonValueKind.Object => "object",
            _ => "null",
        };
        return names.Contains(kind) || (kind == "integer" && names.Contains("number"));
    }

    /// <summary>Ids of the form <c>{segment}-{n}</c>: the first inside the predicate's bucket range, the first outside.</summary>
    private static IEnumerable<string> BucketIds(RuntimePredicate predicate, string segment)
    {
        string? inside = null, outside = null;
        for (var n = 1; n <= 200_000 && (inside is null || outside is null); n++)
        {
            var id = $"{segment}-{n}";
            var bucket = Bucket.Of(predicate.Salt, id);
            if (predicate.Start <= bucket && bucket < predicate.End)
            {
                inside ??= id;
            }
            else
            {
                outside ??= id;
            }
        }
        return new[] { inside, outside }.OfType<string>().Select(Quote);
    }

    private static IEnumerable<string> Neighbours(JsonElement number)
    {
        var parsed = JsonNumber.Read(number);
        if (parsed.Kind == JsonNumberKind.Float)
        {
            return [SerdeFloat.Format(parsed.Real + 1), SerdeFloat.Format(parsed.Real - 1)];
        }
        return parsed.Kind == JsonNumberKind.PositiveInteger
            ? [(parsed.Unsigned + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), parsed.Unsigned == 0 ? "-1" : (parsed.Unsigned - 1).ToString(System.Globalization.CultureInfo.InvariantCulture)]
            : [(parsed.Signed + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), (parsed.Signed - 1).ToString(System.Globalization.CultureInfo.InvariantCulture)];
    }

    private static string Quote(string text)
    {
        var builder = new System.Text.StringBuilder();
        SerdeJson.AppendString(builder, text);
        return builder.ToString();
    }

    private static JsonElement Literal(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
