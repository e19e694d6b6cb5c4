namespace CloudRuntimes.State;

/// <summary>
/// A key/value state store (Dapr state management API, <c>/v1.0/state/{store}</c>). Values are opaque bytes
/// (JSON by convention); every stored item has an opaque ETag for optimistic concurrency.
/// Keys are case-sensitive and any string except one containing <c>||</c>.
/// </summary>
public interface IStateStore
{
    /// <summary>What this store supports (ETag, transactions, TTL).</summary>
    StateStoreFeatures Features { get; }

    /// <summary>Reads one key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="options">Consistency hint and metadata; null for defaults.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The item, or null when the key does not exist (or expired).</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.StateGet"/> on back-end failure.</exception>
    Task<StateItem?> GetAsync(string key, GetStateOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Reads several keys; missing keys come back as items with no value.</summary>
    /// <param name="keys">The keys, in the order results are returned.</param>
    /// <param name="options">Consistency hint and metadata, and <see cref="GetStateOptions.MaxValueBytes"/>; null for defaults.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One item per key.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.StateGet"/> on back-end failure;
    /// <see cref="CloudRuntimesErrors.ResponseTooLarge"/> when the values pass <see cref="GetStateOptions.MaxValueBytes"/>.</exception>
    Task<IReadOnlyList<BulkStateItem>> GetBulkAsync(IReadOnlyList<string> keys, GetStateOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Saves items. Each item is applied on its own (not atomically); when some fail, the others stay applied
    /// and the exception lists the failing keys (use <see cref="ExecuteTransactionAsync"/> for all-or-nothing).
    /// </summary>
    /// <param name="items">Items to save.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.StateETagMismatch"/> when an ETag does not match or first-write finds an existing key; <see cref="CloudRuntimesErrors.StateSave"/> otherwise.</exception>
    Task SaveAsync(IReadOnlyList<SaveStateItem> items, CancellationToken cancellationToken = default);

    /// <summary>Deletes keys; deleting a missing key succeeds unless an ETag was given.</summary>
    /// <param name="items">Keys to delete, each with an optional ETag.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.StateETagMismatch"/> or <see cref="CloudRuntimesErrors.StateDelete"/>.</exception>
    Task DeleteAsync(IReadOnlyList<DeleteStateItem> items, CancellationToken cancellationToken = default);

    /// <summary>Applies upserts and deletes in order, atomically: all or nothing.</summary>
    /// <param name="operations">The operations, applied in order.</param>
    /// <param name="metadata">Request metadata.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.StateTransaction"/> (nothing applied), or <see cref="CloudRuntimesErrors.NotSupported"/> when the store is not transactional.</exception>
    Task ExecuteTransactionAsync(IReadOnlyList<StateOperation> operations, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists the keys that start with a prefix, one page at a time (a Cloud Runtimes extension, served as
    /// <c>GET /v1.0-alpha1/state/{store}/keys</c>: Dapr has declined a key listing since dapr/dapr#944). Expired items are
    /// not listed. Stores on SQL back ends and in memory list keys in key order; <c>state.redis</c> in the order of Redis's
    /// <c>SCAN</c>, where a key written or deleted while the listing runs may be listed or not.
    /// </summary>
    /// <param name="query">Prefix, page size and where to continue.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Up to <see cref="StateKeyQuery.Limit"/> keys, and the token of the next page (null on the last page).</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.MalformedRequest"/> for a limit outside 1 to <see cref="StateKeyQuery.MaxLimit"/> or a token this store did not give; <see cref="CloudRuntimesErrors.StateGet"/> on back-end failure.</exception>
    Task<StateKeyPage> ListKeysAsync(StateKeyQuery query, CancellationToken cancellationToken = default);
}

/// <summary>A key listing request (<see cref="IStateStore.ListKeysAsync"/>).</summary>
/// <param name="Prefix">Only keys starting with it (ordinal); null or empty for all.</param>
/// <param name="Limit">Most keys in the page: 1 to <see cref="MaxLimit"/>; default <see cref="DefaultLimit"/>.</param>
/// <param name="ContinuationToken">Where to continue: the token of the previous page; null for the first page.</param>
public sealed record StateKeyQuery(string? Prefix = null, int Limit = StateKeyQuery.DefaultLimit, string? ContinuationToken = null)
{
    /// <summary>The page size when none is given: 100.</summary>
    public const int DefaultLimit = 100;

    /// <summary>The largest page: 1000 keys.</summary>
    public const int MaxLimit = 1000;
}

/// <summary>A page of keys.</summary>
/// <param name="Keys">The keys of this page.</param>
/// <param name="ContinuationToken">The token of the next page (opaque); null when this page is the last.</param>
public sealed record StateKeyPage(IReadOnlyList<string> Keys, string? ContinuationToken);

/// <summary>Capabilities a state store advertises (Dapr metadata API <c>capabilities</c>).</summary>
[Flags]
public enum StateStoreFeatures
{
    /// <summary>Nothing optional.</summary>
    None = 0,

    /// <summary>ETags and optimistic concurrency (<c>ETAG</c>).</summary>
    ETag = 1,

    /// <summary>Atomic transactions (<c>TRANSACTIONAL</c>).</summary>
    Transactional = 2,

    /// <summary>Per-item time to live via <c>ttlInSeconds</c> metadata (<c>TTL</c>).</summary>
    Ttl = 4,
}

/// <summary>Concurrency mode of a write (Dapr <c>options.concurrency</c>).</summary>
public enum StateConcurrency
{
    /// <summary>The last write wins unless an ETag is given (<c>last-write</c>, the default).</summary>
    LastWrite,

    /// <summary>The first write wins: without an ETag a write to an existing key fails (<c>first-write</c>).</summary>
    FirstWrite,
}

/// <summary>Consistency hint (Dapr <c>options.consistency</c>).</summary>
public enum StateConsistency
{
    /// <summary>Eventual consistency (the default).</summary>
    Eventual,

    /// <summary>Strong consistency.</summary>
    Strong,
}

/// <summary>Well-known state metadata keys.</summary>
public static class StateMetadata
{
    /// <summary>Time to live in seconds of a saved item (<c>-1</c> = never expires). Re-saving without it removes the TTL.</summary>
    public const string TtlInSeconds = "ttlInSeconds";

    /// <summary>On reads of items with a TTL: the expiry as RFC 3339.</summary>
    public const string TtlExpireTime = "ttlExpireTime";
}

/// <summary>Options of a read.</summary>
/// <param name="Consistency">Consistency hint.</param>
/// <param name="Metadata">Request metadata (component-specific).</param>
public sealed record GetStateOptions(StateConsistency Consistency = StateConsistency.Eventual, IReadOnlyDictionary<string, string>? Metadata = null)
{
    /// <summary>
    /// Bulk reads only: the most bytes of stored values (each distinct key once) the store may hold for the answer. A
    /// store stops reading once the values pass it, before reading the rest where the back end can tell a value's size
    /// first, and throws <see cref="CloudRuntimesErrors.ResponseTooLarge"/>. Null (the default): no bound.
    /// </summary>
    public long? MaxValueBytes { get; init; }
}

/// <summary>A stored item.</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">The stored bytes.</param>
/// <param name="ETag">The current ETag (opaque).</param>
/// <param name="Metadata">Item metadata, e.g. <see cref="StateMetadata.TtlExpireTime"/>.</param>
public sealed record StateItem(string Key, ReadOnlyMemory<byte> Value, string ETag, IReadOnlyDictionary<string, string> Metadata);

/// <summary>One result of a bulk read: <see cref="Value"/> and <see cref="ETag"/> are null when the key does not exist.</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">The stored bytes, or null.</param>
/// <param name="ETag">The ETag, or null.</param>
/// <param name="Error">A per-key error message, or null.</param>
/// <param name="Metadata">Item metadata, e.g. <see cref="StateMetadata.TtlExpireTime"/>; null when there is none.</param>
public sealed record BulkStateItem(string Key, ReadOnlyMemory<byte>? Value, string? ETag, string? Error = null, IReadOnlyDictionary<string, string>? Metadata = null);

/// <summary>An item to save.</summary>
/// <param name="Key">The key (must not contain <c>||</c>).</param>
/// <param name="Value">The bytes to store.</param>
/// <param name="ETag">Expected current ETag; null for none.</param>
/// <param name="Concurrency">Concurrency mode.</param>
/// <param name="Consistency">Consistency hint.</param>
/// <param name="Metadata">Item metadata, e.g. <see cref="StateMetadata.TtlInSeconds"/>.</param>
public sealed record SaveStateItem(
    string Key,
    ReadOnlyMemory<byte> Value,
    string? ETag = null,
    StateConcurrency Concurrency = StateConcurrency.LastWrite,
    StateConsistency Consistency = StateConsistency.Eventual,
    IReadOnlyDictionary<string, string>? Metadata = null);

/// <summary>A key to delete.</summary>
/// <param name="Key">The key.</param>
/// <param name="ETag">Expected current ETag; null for none.</param>
/// <param name="Concurrency">Concurrency mode.</param>
/// <param name="Metadata">Request metadata.</param>
public sealed record DeleteStateItem(string Key, string? ETag = null, StateConcurrency Concurrency = StateConcurrency.LastWrite, IReadOnlyDictionary<string, string>? Metadata = null);

/// <summary>One operation of a transaction: exactly one of <see cref="Upsert"/> and <see cref="Delete"/> is set.</summary>
/// <param name="Upsert">An item to save.</param>
/// <param name="Delete">A key to delete (deleting a missing key is not an error).</param>
public sealed record StateOperation(SaveStateItem? Upsert, DeleteStateItem? Delete)
{
    /// <summary>An upsert operation.</summary>
    /// <param name="item">The item.</param>
    /// <returns>The operation.</returns>
    public static StateOperation ForUpsert(SaveStateItem item) => new(item, null);

    /// <summary>A delete operation.</summary>
    /// <param name="item">The key.</param>
    /// <returns>The operation.</returns>
    public static StateOperation ForDelete(DeleteStateItem item) => new(null, item);
}
