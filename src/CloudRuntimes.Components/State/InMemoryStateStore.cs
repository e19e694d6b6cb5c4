using CloudRuntimes.State;

namespace CloudRuntimes.Components.State;

/// <summary>
/// <c>state.in-memory</c>: a process-local state store (Dapr's in-memory store). Everything is lost when the
/// process ends; for tests and single-process use. Supports ETags, transactions and TTL; expired items are
/// dropped when read and by a sweep at most once a minute during writes.
/// </summary>
public sealed class InMemoryStateStore : StateStoreBase, IQueryableStateStore
{
    private readonly Dictionary<string, StoredState> _items = new(StringComparer.Ordinal);
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);
    private readonly System.Threading.Lock _gate = new();
    private DateTimeOffset _nextSweep = DateTimeOffset.UtcNow + SweepInterval;

    /// <summary>Creates an empty store.</summary>
    /// <param name="componentName">Component name.</param>
    public InMemoryStateStore(string componentName)
        : base(componentName)
    {
    }

    /// <inheritdoc />
    /// <remarks>The query runs over a copy of the item list taken under the lock (references to the stored records, not copies of their values), so writes do not wait for it.</remarks>
    public Task<StateQueryResponse> QueryAsync(StateQuery query, CancellationToken cancellationToken = default) =>
        QueryRecordsAsync(query, run =>
        {
            KeyValuePair<string, StoredState>[] records;
            lock (_gate)
            {
                records = [.. _items];
            }
            return Task.FromResult(run(new StateQueryScan(records, InKeyOrder: false, Reload: null)));
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<StateKeyPage> ListKeysCoreAsync(string prefix, int limit, string? continuationToken, CancellationToken cancellationToken)
    {
        var after = KeyAfter(continuationToken);
        var now = DateTimeOffset.UtcNow;
        lock (_gate)
        {
            return Task.FromResult(KeyOrderPage([.. _items
                .Where(i => i.Key.StartsWith(prefix, StringComparison.Ordinal) && (after is null || string.CompareOrdinal(i.Key, after) > 0) && !i.Value.IsExpired(now))
                .Select(i => i.Key)
                .Order(StringComparer.Ordinal)
                .Take(limit + 1)], limit));
        }
    }

    /// <inheritdoc />
    protected override Task<IReadOnlyDictionary<string, StoredState>> ReadAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyDictionary<string, StoredState>>(Snapshot(keys));
        }
    }

    /// <inheritdoc />
    protected override Task WriteAsync(IReadOnlyList<string> keys, Func<IReadOnlyDictionary<string, StoredState>, IReadOnlyList<StateChange>> decide, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            foreach (var change in decide(Snapshot(keys)))
            {
                if (change.State is null)
                {
                    _items.Remove(change.Key);
                }
                else
                {
                    _items[change.Key] = change.State;
                }
            }
            Sweep();
        }
        return Task.CompletedTask;
    }

    private void Sweep()
    {
        var now = DateTimeOffset.UtcNow;
        if (now < _nextSweep)
        {
            return;
        }
        foreach (var key in _items.Where(i => i.Value.IsExpired(now)).Select(i => i.Key).ToList())
        {
            _items.Remove(key);
        }
        _nextSweep = now + SweepInterval;
    }

    private Dictionary<string, StoredState> Snapshot(IReadOnlyList<string> keys)
    {
        var now = DateTimeOffset.UtcNow;
        var result = new Dictionary<string, StoredState>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (_items.TryGetValue(key, out var state))
            {
                if (state.IsExpired(now))
                {
                    _items.Remove(key);
                }
                else
                {
                    result[key] = state;
                }
            }
        }
        return result;
    }
}
