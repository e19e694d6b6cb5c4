using System.Text.Json;
using CloudRuntimes.State;

namespace CloudRuntimes.Components.State;

/// <summary>
/// What a state query's filter and sort keys mean for one JSON value: equality compares numbers by value and everything
/// else by its JSON text; order compares numbers with numbers and strings with strings (ordinal), and an item lacking a
/// path fails every comparison on it (but <c>NEQ</c>) and sorts last. Ties between items sort by key in code-point
/// order (the UTF-8 byte order SQLite and PostgreSQL keep their keys in).
/// </summary>
internal static class StateQueryValues
{
    /// <summary>The filter as a test of a value (a filter checked by <see cref="StateQuery.Parse"/>).</summary>
    public static Func<JsonElement, bool> Compile(JsonElement filter)
    {
        var op = filter.EnumerateObject().Single();
        if (op.Name is "AND" or "OR")
        {
            var inner = op.Value.EnumerateArray().Select(Compile).ToArray();
            return op.Name == "AND" ? value => inner.All(test => test(value)) : value => inner.Any(test => test(value));
        }
        var condition = op.Value.EnumerateObject().Single();
        var path = condition.Name.Split('.');
        var expected = condition.Value;
        var candidates = op.Name == "IN" ? expected.EnumerateArray().ToArray() : [];
        Func<JsonElement, bool> test = op.Name switch
        {
            "EQ" => actual => JsonEquals(actual, expected),
            "NEQ" => actual => !JsonEquals(actual, expected),
            "IN" => actual => candidates.Any(candidate => JsonEquals(actual, candidate)),
            "GT" => actual => Compare(actual, expected) > 0,
            "GTE" => actual => Compare(actual, expected) >= 0,
            "LT" => actual => Compare(actual, expected) is < 0 and not int.MinValue,
            "LTE" => actual => Compare(actual, expected) is <= 0 and not int.MinValue,
            _ => _ => false,
        };
        var whenMissing = op.Name == "NEQ";
        return value => Lookup(value, path) is { } actual ? test(actual) : whenMissing;
    }

    /// <summary>The value at a path (its steps), or null when a step is missing or not an object.</summary>
    public static JsonElement? Lookup(JsonElement value, string[] path)
    {
        var current = value;
        foreach (var step in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(step, out current))
            {
                return null;
            }
        }
        return current;
    }

    /// <summary>The value at a sort path, copied out of its document (null when the path is missing).</summary>
    /// <exception cref="FormatException">A number a <see cref="double"/> cannot hold.</exception>
    public static SortValue? SortValueOf(JsonElement value, string[] path) => Lookup(value, path) is { } found
        ? new SortValue(found.ValueKind, found.ValueKind == JsonValueKind.Number ? found.GetDouble() : 0, found.ValueKind == JsonValueKind.String ? found.GetString() : null, found.GetRawText())
        : null;

    /// <summary>Order of two sort values (null: the path is missing, last).</summary>
    public static int CompareForSort(SortValue? a, SortValue? b) => (a, b) switch
    {
        (null, null) => 0,
        (null, _) => 1,
        (_, null) => -1,
        ({ } x, { } y) => (x.Kind, y.Kind) switch
        {
            (JsonValueKind.Number, JsonValueKind.Number) => x.Number.CompareTo(y.Number),
            (JsonValueKind.String, JsonValueKind.String) => Math.Sign(string.CompareOrdinal(x.Text, y.Text)),
            _ => string.CompareOrdinal(x.Raw, y.Raw),
        },
    };

    /// <summary>
    /// Order of two keys by Unicode code point, which is the byte order of their UTF-8 (ordinal UTF-16 order differs
    /// only where a surrogate pair meets a character from U+E000 to U+FFFF: the pair's code point is the greater).
    /// </summary>
    public static int CompareKeys(string a, string b)
    {
        var common = a.AsSpan().CommonPrefixLength(b);
        if (common == a.Length || common == b.Length)
        {
            return a.Length.CompareTo(b.Length);
        }
        return CodePointRank(a[common]).CompareTo(CodePointRank(b[common]));
    }

    /// <summary>A UTF-16 unit moved so that surrogates (D800–DFFF) rank above E000–FFFF, as the code points they encode do.</summary>
    private static int CodePointRank(char unit) => unit switch
    {
        >= '\uE000' => unit - 0x800,
        >= '\uD800' => unit + 0x2000,
        _ => unit,
    };

    private static bool JsonEquals(JsonElement a, JsonElement b) =>
        a.ValueKind == JsonValueKind.Number && b.ValueKind == JsonValueKind.Number
            ? a.GetDouble() == b.GetDouble()
            : a.ValueKind == b.ValueKind && (a.ValueKind == JsonValueKind.String ? a.GetString() == b.GetString() : a.GetRawText() == b.GetRawText());

    /// <summary>Order of two numbers or two strings; <see cref="int.MinValue"/> when they cannot be ordered.</summary>
    private static int Compare(JsonElement a, JsonElement b) => (a.ValueKind, b.ValueKind) switch
    {
        (JsonValueKind.Number, JsonValueKind.Number) => a.GetDouble().CompareTo(b.GetDouble()),
        (JsonValueKind.String, JsonValueKind.String) => Math.Sign(string.CompareOrdinal(a.GetString(), b.GetString())),
        _ => int.MinValue,
    };

    /// <summary>A value at a sort path, as much of it as ordering needs: numbers by value, strings by their text, anything else (and values of different kinds) by their JSON text.</summary>
    /// <param name="Kind">Its JSON kind.</param>
    /// <param name="Number">Its value, for a number.</param>
    /// <param name="Text">Its text, for a string.</param>
    /// <param name="Raw">Its JSON text.</param>
    internal sealed record SortValue(JsonValueKind Kind, double Number, string? Text, string Raw)
    {
        /// <summary>The bytes it holds (its strings as UTF-16).</summary>
        public long Bytes => 2L * (Raw.Length + (Text?.Length ?? 0));
    }
}
