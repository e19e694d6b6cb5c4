using System.Text.Json;

namespace CloudRuntimes.State;

/// <summary>
/// A state store that answers the query API (alpha; Dapr <c>POST /v1.0-alpha1/state/{store}/query</c>,
/// https://docs.dapr.io/reference/api/state_api/#query-state), capability <c>QUERY_API</c>.
/// </summary>
public interface IQueryableStateStore : IStateStore
{
    /// <summary>Finds the items whose JSON value matches <see cref="StateQuery.Filter"/>, sorted and paged.</summary>
    /// <param name="query">The query.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One page of results and the token of the next page (null on the last page).</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.StateQuery"/> when the query fails; <see cref="CloudRuntimesErrors.MalformedRequest"/> for a bad paging token.</exception>
    Task<StateQueryResponse> QueryAsync(StateQuery query, CancellationToken cancellationToken = default);
}

/// <summary>
/// A state query: <c>{"filter": {...}, "sort": [{"key", "order"}], "page": {"limit", "token"}}</c>. A filter is one of
/// <c>{"EQ"|"NEQ"|"GT"|"GTE"|"LT"|"LTE": {"dotted.path": value}}</c>, <c>{"IN": {"dotted.path": [values]}}</c>,
/// <c>{"AND"|"OR": [filters]}</c>; paths lead into the stored JSON value. Its size is bounded by
/// <see cref="StateQueryLimits"/> as it is read.
/// </summary>
/// <param name="Filter">The filter; null matches every item.</param>
/// <param name="Sort">Sort keys, most significant first; items are otherwise in key order.</param>
/// <param name="Limit">Most results in a page; null for all.</param>
/// <param name="Token">Where the page starts: the token a previous page returned; null for the first page.</param>
public sealed record StateQuery(JsonElement? Filter = null, IReadOnlyList<StateQuerySort>? Sort = null, int? Limit = null, string? Token = null)
{
    /// <summary>
    /// The most bytes a store may hold while it answers (not part of the query's JSON; the server sets it from its
    /// response limit): the values of the page and the keys and sort values of the items ranked before it. A store
    /// stops once they pass it and throws <see cref="CloudRuntimesErrors.ResponseTooLarge"/>. Null (the default): no bound.
    /// </summary>
    public long? MaxValueBytes { get; init; }

    private static readonly HashSet<string> Operators = ["EQ", "NEQ", "GT", "GTE", "LT", "LTE", "IN", "AND", "OR"];

    /// <summary>Reads a query from its JSON form, checking its shape and its size.</summary>
    /// <param name="json">The query document.</param>
    /// <param name="limits">How large the query may be; null for <see cref="StateQueryLimits.Default"/>.</param>
    /// <returns>The query.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.MalformedRequest"/>, saying what is wrong where (a limit passed: which, and its value).</exception>
    public static StateQuery Parse(ReadOnlyMemory<byte> json, StateQueryLimits? limits = null)
    {
        limits ??= StateQueryLimits.Default;
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(json);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw Malformed($"the query is not JSON: {e.Message}");
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Malformed("the query must be a JSON object");
        }
        JsonElement? filter = root.TryGetProperty("filter", out var f) && f.ValueKind != JsonValueKind.Null ? f : null;
        if (filter is { } given)
        {
            var terms = 0;
            CheckFilter(given, "filter", 1, ref terms, limits);
        }
        var sort = new List<StateQuerySort>();
        if (root.TryGetProperty("sort", out var s) && s.ValueKind == JsonValueKind.Array)
        {
            if (s.GetArrayLength() > limits.MaxSortKeys)
            {
                throw Malformed($"sort has {s.GetArrayLength()} keys; a query may sort by at most {limits.MaxSortKeys}");
            }
            foreach (var item in s.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("key", out var key) || key.ValueKind != JsonValueKind.String)
                {
                    throw Malformed("each sort entry needs a \"key\"");
                }
                CheckPath(key.GetString()!, $"sort[{sort.Count}].key", limits);
                var order = item.TryGetProperty("order", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString()!.ToUpperInvariant() : "ASC";
                if (order is not ("ASC" or "DESC"))
                {
                    throw Malformed($"sort order must be ASC or DESC, got '{order}'");
                }
                sort.Add(new StateQuerySort(key.GetString()!, order == "DESC"));
            }
        }
        int? limit = null;
        string? token = null;
        if (root.TryGetProperty("page", out var page) && page.ValueKind == JsonValueKind.Object)
        {
            if (page.TryGetProperty("limit", out var l) && l.ValueKind == JsonValueKind.Number)
            {
                limit = l.TryGetInt32(out var n) && n > 0 ? n : throw Malformed("page.limit must be a positive integer");
            }
            token = page.TryGetProperty("token", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() is { Length: > 0 } text ? text : null;
        }
        return new StateQuery(filter, sort, limit, token);
    }

    /// <summary>Checks a filter's shape, its nesting (<paramref name="depth"/>: its level, 1 at the top) and its terms (<paramref name="terms"/>: counted so far, over the whole filter).</summary>
    private static void CheckFilter(JsonElement filter, string where, int depth, ref int terms, StateQueryLimits limits)
    {
        if (++terms > limits.MaxFilterTerms)
        {
            throw TooManyTerms(limits);
        }
        if (filter.ValueKind != JsonValueKind.Object || filter.EnumerateObject().Count() != 1)
        {
            throw Malformed($"{where} must be an object with one operator");
        }
        var op = filter.EnumerateObject().Single();
        if (!Operators.Contains(op.Name))
        {
            throw Malformed($"{where}: unknown operator '{op.Name}' (EQ, NEQ, GT, GTE, LT, LTE, IN, AND, OR)");
        }
        if (op.Name is "AND" or "OR")
        {
            if (op.Value.ValueKind != JsonValueKind.Array)
            {
                throw Malformed($"{where}.{op.Name} must be an array of filters");
            }
            if (depth >= limits.MaxFilterDepth && op.Value.GetArrayLength() > 0)
            {
                throw Malformed($"{where}.{op.Name}: filters nest more than {limits.MaxFilterDepth} levels deep");
            }
            var index = 0;
            foreach (var inner in op.Value.EnumerateArray())
            {
                CheckFilter(inner, $"{where}.{op.Name}[{index++}]", depth + 1, ref terms, limits);
            }
            return;
        }
        if (op.Value.ValueKind != JsonValueKind.Object || op.Value.EnumerateObject().Count() != 1)
        {
            throw Malformed($"{where}.{op.Name} must be an object with one path");
        }
        var condition = op.Value.EnumerateObject().Single();
        CheckPath(condition.Name, $"{where}.{op.Name}", limits);
        if (op.Name == "IN")
        {
            if (condition.Value.ValueKind != JsonValueKind.Array)
            {
                throw Malformed($"{where}.IN must give an array of values");
            }
            terms += condition.Value.GetArrayLength();
            if (terms > limits.MaxFilterTerms)
            {
                throw TooManyTerms(limits);
            }
        }
    }

    private static void CheckPath(string path, string where, StateQueryLimits limits)
    {
        if (path.Length > limits.MaxPathLength)
        {
            throw Malformed($"{where}: the path {Shown(path)} is {path.Length} characters long; a path may have at most {limits.MaxPathLength}");
        }
        if (path.Count(c => c == '.') + 1 is var segments && segments > limits.MaxPathSegments)
        {
            throw Malformed($"{where}: the path {Shown(path)} has {segments} steps; a path may have at most {limits.MaxPathSegments}");
        }
    }

    /// <summary>A path in a message: quoted, its first 40 characters.</summary>
    private static string Shown(string path) => path.Length > 40 ? $"\"{path[..40]}…\"" : $"\"{path}\"";

    private static CloudRuntimesException TooManyTerms(StateQueryLimits limits) =>
        Malformed($"filter has more than {limits.MaxFilterTerms} terms (operators and IN values); narrow the query or split it");

    private static CloudRuntimesException Malformed(string message) => new(CloudRuntimesErrors.MalformedRequest, "state query: " + message);
}

/// <summary>A sort key of a state query.</summary>
/// <param name="Key">Dotted path into the stored JSON value.</param>
/// <param name="Descending">True for <c>DESC</c>.</param>
public sealed record StateQuerySort(string Key, bool Descending);

/// <summary>One result of a state query.</summary>
/// <param name="Key">The key.</param>
/// <param name="Data">The stored JSON value.</param>
/// <param name="ETag">Its ETag.</param>
public sealed record StateQueryItem(string Key, ReadOnlyMemory<byte> Data, string ETag);

/// <summary>A page of state query results.</summary>
/// <param name="Results">The matching items of this page.</param>
/// <param name="Token">The token of the next page; null when this is the last.</param>
public sealed record StateQueryResponse(IReadOnlyList<StateQueryItem> Results, string? Token);
