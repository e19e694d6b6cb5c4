using System.Globalization;
using System.Text.Json;
using CloudRuntimes.State;

namespace CloudRuntimes.Components.State;

/// <summary>
/// Runs a <see cref="StateQuery"/> over a store's records as they are read: keeps the unexpired ones whose value is
/// JSON and matches the filter (<see cref="StateQueryValues"/>), ranks them by the sort keys, then by key (code-point
/// order, so pages are stable), and keeps only the page the token points at (<see cref="StateQuerySelection"/>). The
/// token is the offset of the next page, given only to a query with a limit when more matching items follow.
/// </summary>
internal static class StateQueryEvaluator
{
    /// <summary>Runs <paramref name="query"/> over <paramref name="scan"/>, checking <paramref name="cancellationToken"/> at every record.</summary>
    /// <param name="query">The query.</param>
    /// <param name="scan">The records.</param>
    /// <param name="budget">Counts the bytes the query holds (<see cref="StateQuerySelection"/>); null for no bound.</param>
    /// <param name="cancellationToken">Stops the query.</param>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.MalformedRequest"/> for a token this store did not give; <see cref="CloudRuntimesErrors.ResponseTooLarge"/> from <paramref name="budget"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the caller left, or the query's deadline passed).</exception>
    public static StateQueryResponse Run(StateQuery query, StateQueryScan scan, StateReadBudget? budget, CancellationToken cancellationToken)
    {
        var offset = 0;
        if (query.Token is { } token && (!int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out offset) || offset < 0))
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"state query: page token '{token}' was not given by this store");
        }
        // The filter and the paths are compiled once; each record then costs a walk of its own value only.
        var filter = query.Filter is { } given ? StateQueryValues.Compile(given) : null;
        var sorts = (query.Sort ?? []).Select(sort => (Path: sort.Key.Split('.'), sort.Descending)).ToArray();
        var selection = new StateQuerySelection(offset, query.Limit, Order(sorts.Select(s => s.Descending).ToArray()), scan.InKeyOrder && sorts.Length == 0, scan.Reload, budget);
        var now = DateTimeOffset.UtcNow;
        foreach (var (key, state) in scan.Records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!state.IsExpired(now) && Match(key, state, filter, sorts) is { } match && !selection.Add(match))
            {
                break;
            }
        }
        var (page, more) = selection.Result();
        return new StateQueryResponse(
            [.. page.Select(m => new StateQueryItem(m.Key, m.State!.Value, m.State.ETag))],
            more ? (offset + page.Count).ToString(CultureInfo.InvariantCulture) : null);
    }

    /// <summary>The record as a candidate when its value is JSON that passes the filter; its sort values copied out of the value, which is then let go.</summary>
    private static StateQuerySelection.Candidate? Match(string key, StoredState state, Func<JsonElement, bool>? filter, (string[] Path, bool Descending)[] sorts)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(state.Value);
        }
        catch (JsonException)
        {
            return null;
        }
        using (document)
        {
            var value = document.RootElement;
            return filter is null || filter(value)
                ? new StateQuerySelection.Candidate(key, [.. sorts.Select(sort => StateQueryValues.SortValueOf(value, sort.Path))], state)
                : null;
        }
    }

    /// <summary>The ranking: by each sort value (descending where asked), then by key.</summary>
    private static Comparer<StateQuerySelection.Candidate> Order(bool[] descending) => Comparer<StateQuerySelection.Candidate>.Create((a, b) =>
    {
        for (var i = 0; i < descending.Length; i++)
        {
            var order = StateQueryValues.CompareForSort(a.SortValues[i], b.SortValues[i]);
            if (order != 0)
            {
                return descending[i] ? -order : order;
            }
        }
        return StateQueryValues.CompareKeys(a.Key, b.Key);
    });
}
