using System.Globalization;
using System.Text.Json;
using CloudRuntimes.State;

namespace CloudRuntimes.Components.State;

/// <summary>
/// Runs a <see cref="StateQuery"/> over records: keeps the unexpired ones whose value is JSON and matches the filter,
/// sorts them (by the sort keys, then by key, so pages are stable) and cuts the page the token points at. Equality
/// compares numbers by value and everything else by its JSON text; order compares numbers with numbers and strings
/// with strings (ordinal), and an item lacking a path fails every comparison on it and sorts last.
/// </summary>
internal static class StateQueryEvaluator
{
    public static StateQueryResponse Run(StateQuery query, IEnumerable<KeyValuePair<string, StoredState>> records)
    {
        var offset = 0;
        if (query.Token is { } token && (!int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out offset) || offset < 0))
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"state query: page token '{token}' was not given by this store");
        }
        var now = DateTimeOffset.UtcNow;
        var matches = new List<(string Key, StoredState State, JsonElement Value)>();
        foreach (var (key, state) in records)
        {
            if (state.IsExpired(now) || ValueOf(state) is not { } value)
            {
                continue;
            }
            if (query.Filter is not { } filter || Matches(filter, value))
            {
                matches.Add((key, state, value));
            }
        }
        matches.Sort((a, b) =>
        {
            foreach (var sort in query.Sort ?? [])
            {
                var order = CompareForSort(Lookup(a.Value, sort.Key), Lookup(b.Value, sort.Key));
                if (order != 0)
                {
                    return sort.Descending ? -order : order;
                }
            }
            return string.CompareOrdinal(a.Key, b.Key);
        });
        var page = matches.Skip(offset).Take(query.Limit ?? int.MaxValue).ToList();
        var next = offset + page.Count;
        return new StateQueryResponse(
            [.. page.Select(m => new StateQueryItem(m.Key, m.State.Value, m.State.ETag))],
            query.Limit is not null && next < matches.Count ? next.ToString(CultureInfo.InvariantCulture) : null);
    }

    private static JsonElement? ValueOf(StoredState state)
    {
        try
        {
            using var document = JsonDocument.Parse(state.Value);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool Matches(JsonElement filter, JsonElement value)
    {
        var op = filter.EnumerateObject().Single();
        if (op.Name is "AND")
        {
            return op.Value.EnumerateArray().All(inner => Matches(inner, value));
        }
        if (op.Name is "OR")
        {
            return op.Value.EnumerateArray().Any(inner => Matches(inner, value));
        }
        var condition = op.Value.EnumerateObject().Single();
        if (Lookup(value, condition.Name) is not { } actual)
        {
            return op.Name == "NEQ";
        }
        return op.Name switch
        {
            "EQ" => JsonEquals(actual, condition.Value),
            "NEQ" => !JsonEquals(actual, condition.Value),
            "IN" => condition.Value.EnumerateArray().Any(candidate => JsonEquals(actual, candidate)),
            "GT" => Compare(actual, condition.Value) > 0,
            "GTE" => Compare(actual, condition.Value) >= 0,
            "LT" => Compare(actual, condition.Value) is < 0 and not int.MinValue,
            "LTE" => Compare(actual, condition.Value) is <= 0 and not int.MinValue,
            _ => false,
        };
    }

    /// <summary>The value at a dotted path, or null when a step is missing or not an object.</summary>
    private static JsonElement? Lookup(JsonElement value, string path)
    {
        var current = value;
        foreach (var step in path.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(step, out current))
            {
                return null;
            }
        }
        return current;
    }

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

    private static int CompareForSort(JsonElement? a, JsonElement? b) => (a, b) switch
    {
        (null, null) => 0,
        (null, _) => 1,
        (_, null) => -1,
        ({ } x, { } y) => Compare(x, y) is var c && c == int.MinValue ? string.CompareOrdinal(x.GetRawText(), y.GetRawText()) : c,
    };
}
