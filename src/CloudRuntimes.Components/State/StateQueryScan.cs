namespace CloudRuntimes.Components.State;

/// <summary>
/// The records a store's query runs over, read one at a time (<see cref="StateStoreBase.QueryRecordsAsync"/>): expired
/// records and values that are not JSON included (the query leaves them out).
/// </summary>
/// <param name="Records">Every record of the store, read as the query enumerates them; the query may stop early.</param>
/// <param name="InKeyOrder">True when <paramref name="Records"/> come in key order (<see cref="StateQueryValues.CompareKeys"/>, UTF-8 byte order): a page of a query without sort keys then ends the read once it is full.</param>
/// <param name="Reload">
/// Reads one record again, as <paramref name="Records"/> saw it (same snapshot), so that the query keeps only the keys
/// of the items ranked before its page and reads a value again when an item moves into the page; null when the records
/// are already in memory (they are then held, not copied).
/// </param>
public sealed record StateQueryScan(IEnumerable<KeyValuePair<string, StoredState>> Records, bool InKeyOrder, Func<string, StoredState?>? Reload);
