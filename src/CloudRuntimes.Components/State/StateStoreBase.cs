using System.Globalization;
using CloudRuntimes.Components.Composition;
using CloudRuntimes.State;

namespace CloudRuntimes.Components.State;

/// <summary>
/// The state building block's semantics, written once for every back end (Dapr state API,
/// <c>/v1.0/state/{store}</c>): key validation, ETag and first-write checks, <c>ttlInSeconds</c>, bulk operations
/// applied item by item and transactions applied all-or-nothing in order. A back end supplies only an atomic
/// read-decide-write primitive (<see cref="WriteAsync"/>) and a read (<see cref="ReadAsync"/>); expired items it
/// still holds are treated as absent here.
/// </summary>
public abstract class StateStoreBase : IStateStore
{
    private static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>().AsReadOnly();

    /// <summary>What <see cref="WriteAsync"/> hands to its decision when it has no keys to read: no records.</summary>
    protected static IReadOnlyDictionary<string, StoredState> NothingRead { get; } = System.Collections.ObjectModel.ReadOnlyDictionary<string, StoredState>.Empty;

    /// <summary>The capabilities every store built on this class reports: <c>ETAG</c>, <c>TRANSACTIONAL</c>, <c>TTL</c>.</summary>
    public static IReadOnlyList<string> Capabilities { get; } = ["ETAG", "TRANSACTIONAL", "TTL"];

    /// <summary>The capabilities of a store that also answers the query API (<see cref="IQueryableStateStore"/>): <c>QUERY_API</c> besides <see cref="Capabilities"/>.</summary>
    public static IReadOnlyList<string> QueryableCapabilities { get; } = [.. Capabilities, "QUERY_API"];

    /// <summary>Creates the store.</summary>
    /// <param name="componentName">Component name, for messages and telemetry.</param>
    protected StateStoreBase(string componentName)
    {
        ComponentName = componentName;
    }

    /// <summary>Component name.</summary>
    protected string ComponentName { get; }

    /// <inheritdoc />
    public StateStoreFeatures Features => StateStoreFeatures.ETag | StateStoreFeatures.Transactional | StateStoreFeatures.Ttl;

    /// <summary>Reads the stored records of <paramref name="keys"/>; absent keys are missing from the result.</summary>
    /// <param name="keys">Distinct keys.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Records by key (expired ones may be included; they are filtered out by the caller).</returns>
    protected abstract Task<IReadOnlyDictionary<string, StoredState>> ReadAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken);

    /// <summary>
    /// Reads like <see cref="ReadAsync"/>, counting each value's bytes in <paramref name="budget"/> as it is read, so a
    /// read that asks for too much stops early (<see cref="GetStateOptions.MaxValueBytes"/>). The default asks
    /// <see cref="ReadAsync"/> for <see cref="BoundedReadChunk"/> keys at a time; a back end overrides it to count while
    /// it streams, or to learn the values' sizes before reading them.
    /// </summary>
    /// <param name="keys">Distinct keys.</param>
    /// <param name="budget">Counts the bytes of the values read; throws once they pass the limit.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Records by key, as <see cref="ReadAsync"/>.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ResponseTooLarge"/> from <paramref name="budget"/>.</exception>
    protected virtual async Task<IReadOnlyDictionary<string, StoredState>> ReadBoundedAsync(IReadOnlyList<string> keys, StateReadBudget budget, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, StoredState>(keys.Count, StringComparer.Ordinal);
        foreach (var chunk in keys.Chunk(BoundedReadChunk))
        {
            foreach (var (key, state) in await ReadAsync(chunk, cancellationToken).ConfigureAwait(false))
            {
                budget.Add(state.Value.Length);
                result[key] = state;
            }
        }
        return result;
    }

    /// <summary>Keys the default <see cref="ReadBoundedAsync"/> reads at once: what it may read past the limit is this many values.</summary>
    protected const int BoundedReadChunk = 16;

    /// <summary>
    /// Reads the stored record of one key; null when absent. The default reads through <see cref="ReadAsync"/>;
    /// a back end overrides it when one key is cheaper to read on its own (the path of every single-key get).
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The record (possibly expired; the caller filters it), or null.</returns>
    protected virtual async Task<StoredState?> ReadOneAsync(string key, CancellationToken cancellationToken)
    {
        var records = await ReadAsync([key], cancellationToken).ConfigureAwait(false);
        return records.TryGetValue(key, out var record) ? record : null;
    }

    /// <summary>
    /// Atomically reads the records of <paramref name="keys"/>, calls <paramref name="decide"/> with them and applies
    /// the changes it returns, in order. When <paramref name="decide"/> throws, nothing is written. No other write to
    /// these keys may interleave between the read and the write.
    /// </summary>
    /// <param name="keys">Distinct keys the decision reads; empty when it depends on no stored record (no ETag, no first-write), so nothing needs reading or guarding.</param>
    /// <param name="decide">Computes the changes from the current records (expired ones included); may throw.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the changes are durable.</returns>
    protected abstract Task WriteAsync(IReadOnlyList<string> keys, Func<IReadOnlyDictionary<string, StoredState>, IReadOnlyList<StateChange>> decide, CancellationToken cancellationToken);

    /// <inheritdoc />
    public Task<StateItem?> GetAsync(string key, GetStateOptions? options = null, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        return ComponentTelemetry.TraceAsync("state", "get", ComponentName, async () =>
        {
            StoredState? stored;
            try
            {
                stored = await ReadOneAsync(key, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException and not CloudRuntimesException)
            {
                throw ReadFailed(key, e);
            }
            return stored is null || stored.IsExpired(DateTimeOffset.UtcNow) ? null : ToItem(key, stored);
        });
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<BulkStateItem>> GetBulkAsync(IReadOnlyList<string> keys, GetStateOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys)
        {
            ValidateKey(key);
        }
        var budget = options?.MaxValueBytes is { } limit ? new StateReadBudget(ComponentName, limit) : null;
        var items = await GetBulkCoreAsync([.. keys.Distinct(StringComparer.Ordinal)], budget, cancellationToken).ConfigureAwait(false);
        return [.. keys.Select(k => items.TryGetValue(k, out var s) ? new BulkStateItem(k, s.Value, s.ETag, Metadata: MetadataOf(s)) : new BulkStateItem(k, null, null))];
    }

    /// <inheritdoc />
    public Task SaveAsync(IReadOnlyList<SaveStateItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var operations = items.Select(StateOperation.ForUpsert).ToList();
        return ApplyEachAsync(operations, "save", CloudRuntimesErrors.StateSave, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteAsync(IReadOnlyList<DeleteStateItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var operations = items.Select(StateOperation.ForDelete).ToList();
        return ApplyEachAsync(operations, "delete", CloudRuntimesErrors.StateDelete, cancellationToken);
    }

    /// <inheritdoc />
    public Task ExecuteTransactionAsync(IReadOnlyList<StateOperation> operations, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        var planned = Validate(operations);
        return ComponentTelemetry.TraceAsync("state", "transaction", ComponentName, async () =>
        {
            try
            {
                await WriteAsync(KeysToRead(planned), current => Plan(planned, current), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new CloudRuntimesException(CloudRuntimesErrors.StateTransaction, $"state store {ComponentName}: transaction of {operations.Count} operation(s) failed and nothing was applied", e);
            }
        });
    }

    /// <inheritdoc />
    public Task<StateKeyPage> ListKeysAsync(StateKeyQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > StateKeyQuery.MaxLimit)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"state store {ComponentName}: limit must be 1 to {StateKeyQuery.MaxLimit}, got {query.Limit}");
        }
        return ComponentTelemetry.TraceAsync("state", "listKeys", ComponentName, async () =>
        {
            try
            {
                return await ListKeysCoreAsync(query.Prefix ?? "", query.Limit, query.ContinuationToken, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException and not CloudRuntimesException)
            {
                throw ReadFailed($"the keys starting with '{query.Prefix}'", e);
            }
        });
    }

    /// <summary>Lists unexpired keys starting with <paramref name="prefix"/> (see <see cref="IStateStore.ListKeysAsync"/>).</summary>
    /// <param name="prefix">The prefix; empty for all.</param>
    /// <param name="limit">Most keys to return (validated: 1 to <see cref="StateKeyQuery.MaxLimit"/>).</param>
    /// <param name="continuationToken">The token of the previous page, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    protected abstract Task<StateKeyPage> ListKeysCoreAsync(string prefix, int limit, string? continuationToken, CancellationToken cancellationToken);

    /// <summary>For a store that lists keys in key order: the last key of the previous page, from its token (null for the first page).</summary>
    /// <param name="continuationToken">The token, or null.</param>
    /// <returns>The key after which the page starts, or null.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.MalformedRequest"/>: not a token of <see cref="KeyOrderPage"/>.</exception>
    protected string? KeyAfter(string? continuationToken)
    {
        if (string.IsNullOrEmpty(continuationToken))
        {
            return null;
        }
        try
        {
            return System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(continuationToken));
        }
        catch (FormatException)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"state store {ComponentName}: continuationToken '{continuationToken}' was not given by this store");
        }
    }

    /// <summary>For a store that lists keys in key order: the page from up to <paramref name="limit"/> + 1 keys read in order (one more tells that another page follows).</summary>
    /// <param name="keys">The keys read, in order.</param>
    /// <param name="limit">The page size.</param>
    /// <returns>The page, its token naming its last key.</returns>
    protected static StateKeyPage KeyOrderPage(List<string> keys, int limit)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count <= limit)
        {
            return new StateKeyPage(keys, null);
        }
        var page = keys[..limit];
        return new StateKeyPage(page, System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(page[^1])));
    }

    /// <summary>
    /// The query API over a store's records, for a store that implements <see cref="IQueryableStateStore"/> by reading
    /// them: <paramref name="read"/> opens the read and hands the records (<see cref="StateQueryScan"/>) to the query it is
    /// given, which takes them one at a time and keeps only its page (and the keys ranked before it), within
    /// <see cref="StateQuery.MaxValueBytes"/>.
    /// </summary>
    /// <param name="query">The query.</param>
    /// <param name="read">Opens a read of every record the store holds, runs the query over it and closes it.</param>
    /// <param name="cancellationToken">Stops the query: checked at every record.</param>
    /// <returns>The page.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.StateQuery"/> when reading fails; <see cref="CloudRuntimesErrors.MalformedRequest"/> for a bad token; <see cref="CloudRuntimesErrors.ResponseTooLarge"/> past <see cref="StateQuery.MaxValueBytes"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    protected Task<StateQueryResponse> QueryRecordsAsync(StateQuery query, Func<Func<StateQueryScan, StateQueryResponse>, Task<StateQueryResponse>> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        var budget = QueryBudget(query);
        return RunQueryAsync(query, () => read(scan => StateQueryEvaluator.Run(query, scan, budget, cancellationToken)));
    }

    /// <summary>The count of the bytes a query may hold (<see cref="StateQuery.MaxValueBytes"/>), for a store whose back end runs the query; null for no bound.</summary>
    /// <param name="query">The query.</param>
    /// <returns>The budget, or null.</returns>
    protected StateReadBudget? QueryBudget(StateQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return query.MaxValueBytes is { } limit ? new StateReadBudget(ComponentName, limit) : null;
    }

    /// <summary>
    /// The query API answered by <paramref name="run"/> (a store whose back end runs the query itself), traced, with a
    /// back-end failure reported as <see cref="CloudRuntimesErrors.StateQuery"/>.
    /// </summary>
    /// <param name="query">The query.</param>
    /// <param name="run">Runs the query.</param>
    /// <returns>The page.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.StateQuery"/> when the back end fails; what <paramref name="run"/> throws as a <see cref="CloudRuntimesException"/> otherwise.</exception>
    protected Task<StateQueryResponse> RunQueryAsync(StateQuery query, Func<Task<StateQueryResponse>> run)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(run);
        return ComponentTelemetry.TraceAsync("state", "query", ComponentName, async () =>
        {
            try
            {
                return await run().ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException and not CloudRuntimesException)
            {
                throw new CloudRuntimesException(CloudRuntimesErrors.StateQuery, $"state store {ComponentName}: query failed", e);
            }
        });
    }

    private Task<IReadOnlyDictionary<string, StoredState>> GetBulkCoreAsync(IReadOnlyList<string> keys, StateReadBudget? budget, CancellationToken cancellationToken) =>
        ComponentTelemetry.TraceAsync("state", "getBulk", ComponentName, async () =>
        {
            try
            {
                var read = budget is null ? ReadAsync(keys, cancellationToken) : ReadBoundedAsync(keys, budget, cancellationToken);
                return WithoutExpired(await read.ConfigureAwait(false));
            }
            catch (Exception e) when (e is not OperationCanceledException and not CloudRuntimesException)
            {
                throw ReadFailed(string.Join(", ", keys), e);
            }
        });

    private CloudRuntimesException ReadFailed(string keys, Exception error) =>
        new(CloudRuntimesErrors.StateGet, $"state store {ComponentName}: reading {keys} failed", error);

    private static IReadOnlyDictionary<string, StoredState> WithoutExpired(IReadOnlyDictionary<string, StoredState> stored)
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var state in stored.Values)
        {
            if (state.IsExpired(now))
            {
                return stored.Where(s => !s.Value.IsExpired(now)).ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
            }
        }
        return stored;
    }

    private Task ApplyEachAsync(List<StateOperation> operations, string operation, CloudRuntimesError failureCode, CancellationToken cancellationToken)
    {
        var planned = Validate(operations);
        return ComponentTelemetry.TraceAsync("state", operation, ComponentName, () => ApplyEachCoreAsync(planned, operation, failureCode, cancellationToken));
    }

    private async Task ApplyEachCoreAsync(List<PlannedOperation> planned, string operation, CloudRuntimesError failureCode, CancellationToken cancellationToken)
    {
        var failures = new List<(string Key, Exception Error)>();
        foreach (var item in planned)
        {
            try
            {
                await WriteAsync(KeysToRead([item]), current => Plan([item], current), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures.Add((item.Key, e));
            }
        }
        if (failures.Count == 0)
        {
            return;
        }
        var code = failures.All(f => f.Error is CloudRuntimesException failure && failure.Error == CloudRuntimesErrors.StateETagMismatch) ? CloudRuntimesErrors.StateETagMismatch : failureCode;
        var reasons = failures.Select(f => f.Error is CloudRuntimesException ? f.Error.Message : $"state store {ComponentName}: key {f.Key}: {f.Error.Message}");
        throw new CloudRuntimesException(code, $"{operation} failed for {failures.Count} of {planned.Count} item(s): {string.Join("; ", reasons)}", failures[0].Error);
    }

    private static List<string> KeysToRead(List<PlannedOperation> operations) =>
        operations.Any(o => !string.IsNullOrEmpty(o.ETag) || (o.Concurrency == StateConcurrency.FirstWrite && !o.IsDelete))
            ? [.. operations.Select(o => o.Key).Distinct(StringComparer.Ordinal)]
            : [];

    private List<PlannedOperation> Validate(IReadOnlyList<StateOperation> operations)
    {
        var planned = new List<PlannedOperation>(operations.Count);
        foreach (var operation in operations)
        {
            if (operation.Upsert is { } upsert)
            {
                ValidateKey(upsert.Key);
                planned.Add(new PlannedOperation(upsert.Key, upsert.ETag, upsert.Concurrency, upsert.Value.ToArray(), TtlOf(upsert), IsDelete: false));
            }
            else if (operation.Delete is { } delete)
            {
                ValidateKey(delete.Key);
                planned.Add(new PlannedOperation(delete.Key, delete.ETag, delete.Concurrency, default, null, IsDelete: true));
            }
            else
            {
                throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"state store {ComponentName}: an operation has neither an upsert nor a delete");
            }
        }
        return planned;
    }

    private List<StateChange> Plan(IReadOnlyList<PlannedOperation> operations, IReadOnlyDictionary<string, StoredState> stored)
    {
        var now = DateTimeOffset.UtcNow;
        var view = WithoutExpired(stored).ToDictionary(StringComparer.Ordinal);
        var changes = new List<StateChange>(operations.Count);
        foreach (var operation in operations)
        {
            view.TryGetValue(operation.Key, out var existing);
            if (!string.IsNullOrEmpty(operation.ETag) && existing?.ETag != operation.ETag)
            {
                throw new CloudRuntimesException(CloudRuntimesErrors.StateETagMismatch,
                    existing is null
                        ? $"state store {ComponentName}: ETag '{operation.ETag}' given for key {operation.Key}, which does not exist"
                        : $"state store {ComponentName}: ETag '{operation.ETag}' does not match the current ETag of key {operation.Key}");
            }
            if (string.IsNullOrEmpty(operation.ETag) && operation.Concurrency == StateConcurrency.FirstWrite && existing is not null && !operation.IsDelete)
            {
                throw new CloudRuntimesException(CloudRuntimesErrors.StateETagMismatch, $"state store {ComponentName}: first-write: key {operation.Key} already exists and no ETag was given");
            }
            if (operation.IsDelete)
            {
                view.Remove(operation.Key);
                changes.Add(new StateChange(operation.Key, null));
            }
            else
            {
                var state = new StoredState(operation.Value, Guid.NewGuid().ToString("N"), operation.Ttl is { } ttl ? now + ttl : null);
                view[operation.Key] = state;
                changes.Add(new StateChange(operation.Key, state));
            }
        }
        return changes;
    }

    private TimeSpan? TtlOf(SaveStateItem item)
    {
        if (item.Metadata is null || !item.Metadata.TryGetValue(StateMetadata.TtlInSeconds, out var text))
        {
            return null;
        }
        return TimeToLive.Parse(text, allowNever: true, $"state store {ComponentName}: key {item.Key}");
    }

    private void ValidateKey(string key)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.StateKeyInvalid, $"state store {ComponentName}: key is empty");
        }
        if (key.Contains("||", StringComparison.Ordinal))
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.StateKeyInvalid, $"state store {ComponentName}: key '{key}' must not contain '||'");
        }
    }

    private static StateItem ToItem(string key, StoredState stored) => new(key, stored.Value, stored.ETag, MetadataOf(stored));

    /// <summary>The metadata a read returns with a record: its <see cref="StateMetadata.TtlExpireTime"/> when it expires.</summary>
    private static IReadOnlyDictionary<string, string> MetadataOf(StoredState stored) => stored.ExpiresAt is { } expiry
        ? new Dictionary<string, string> { [StateMetadata.TtlExpireTime] = expiry.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) }
        : NoMetadata;

    private sealed record PlannedOperation(string Key, string? ETag, StateConcurrency Concurrency, ReadOnlyMemory<byte> Value, TimeSpan? Ttl, bool IsDelete);
}

/// <summary>A state record as a back end stores it.</summary>
/// <param name="Value">The bytes.</param>
/// <param name="ETag">The opaque ETag.</param>
/// <param name="ExpiresAt">When it expires; null for never.</param>
public sealed record StoredState(ReadOnlyMemory<byte> Value, string ETag, DateTimeOffset? ExpiresAt)
{
    /// <summary>True when <see cref="ExpiresAt"/> has passed.</summary>
    /// <param name="now">The current time.</param>
    /// <returns>Whether the record has expired.</returns>
    public bool IsExpired(DateTimeOffset now) => ExpiresAt is { } expiry && expiry <= now;
}

/// <summary>One change a write applies.</summary>
/// <param name="Key">The key.</param>
/// <param name="State">The new record, or null to delete the key.</param>
public sealed record StateChange(string Key, StoredState? State);
