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
    /// <summary>Runs <paramref name="query"/> over <paramref name="records"/>, checking <paramref name="cancellationToken"/> at every record.</summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.MalformedRequest"/> for a token this store did not give.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the caller left, or the query's deadline passed).</exception>
    public static StateQueryResponse Run(StateQuery query, IEnumerable<KeyValuePair<string, StoredState>> records, CancellationToken cancellationToken)
    {
        var offset = 0;
        if (query.Token is { } token && (!int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out offset) || offset < 0))
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"state query: page token '{token}' was not given by this store");
        }
        // The filter and the paths are compiled once; each record then costs a walk of its own value only.
        var filter = query.Filter is { } given ? Compile(given) : null;
        var sorts = (query.Sort ?? []).Select(sort => (Path: sort.Key.Split('.'), sort.Descending)).ToArray();
        var now = DateTimeOffset.UtcNow;
        var matches = new List<(string Key, StoredState State, JsonElement?[] SortValues)>();
        foreach (var (key, state) in records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (state.IsExpired(now) || ValueOf(state) is not { } value)
            {
                continue;
            }
            if (filter is null || filter(value))
            {
                matches.Add((key, state, [.. sorts.Select(sort => Lookup(value, sort.Path))]));
            }
        }
        matches.Sort((a, b) =>
        {
            for (var i = 0; i < sorts.Length; i++)
            {
                var order = CompareForSort(a.SortValues[i], b.SortValues[i]);
                if (order != 0)
                {
                    return sorts[i].Descending ? -order : order;
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

    /// <summary>The filter as a test of a value (a filter checked by <see cref="StateQuery.Parse"/>).</summary>
    private static Func<JsonElement, bool> Compile(JsonElement filter)
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
    private static JsonElement? Lookup(JsonElement value, string[] path)
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
