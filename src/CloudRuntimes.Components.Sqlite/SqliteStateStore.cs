using CloudRuntimes.State;
using CloudRuntimes.Components.State;
using Microsoft.Data.Sqlite;

namespace CloudRuntimes.Components.Sqlite;

/// <summary>
/// <c>state.sqlite</c>: state in a table of a SQLite file (metadata <c>tableName</c>, default <c>state</c>), one row
/// per key with its value, ETag and expiry (Unix milliseconds). Every write is a transaction that is durable when
/// the call returns; expired rows are filtered on read and purged by later writes.
/// </summary>
internal sealed class SqliteStateStore : StateStoreBase, IQueryableStateStore, IDisposable
{
    private static readonly TimeSpan PurgeInterval = TimeSpan.FromMinutes(1);
    private readonly SqliteSession _session;
    private readonly string _select;
    private readonly string _scan;
    private readonly string _scanByKey;
    private readonly string _upsert;
    private readonly string _delete;
    private readonly string _deleteExpired;
    private readonly string _keys;
    private DateTimeOffset _nextPurge = DateTimeOffset.UtcNow + PurgeInterval;

    public SqliteStateStore(SqliteSession session, string table, string componentName)
        : base(componentName)
    {
        _session = session;
        var tableName = SqliteNames.Table(table, componentName);
        // The statements are built once: the session caches prepared commands by their text.
        _select = $"SELECT value, etag, expires_at FROM {tableName} WHERE key = $p0";
        _scan = $"SELECT value, etag, expires_at, key FROM {tableName}";
        _scanByKey = _scan + " ORDER BY key";
        _upsert = $"INSERT INTO {tableName} (key, value, etag, expires_at) VALUES ($p0, $p1, $p2, $p3) ON CONFLICT(key) DO UPDATE SET value = excluded.value, etag = excluded.etag, expires_at = excluded.expires_at";
        _delete = $"DELETE FROM {tableName} WHERE key = $p0";
        _deleteExpired = $"DELETE FROM {tableName} WHERE expires_at <= $p0";
        _keys = $"SELECT key FROM {tableName} WHERE key >= $p0 AND substr(key, 1, length($p0)) = $p0 AND ($p1 IS NULL OR key > $p1) AND (expires_at IS NULL OR expires_at > $p2) ORDER BY key LIMIT $p3";
        _session.Execute($"CREATE TABLE IF NOT EXISTS {tableName} (key TEXT NOT NULL PRIMARY KEY, value BLOB NOT NULL, etag TEXT NOT NULL, expires_at INTEGER NULL)");
    }

    protected override Task<IReadOnlyDictionary<string, StoredState>> ReadAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        _session.ReadAsync<IReadOnlyDictionary<string, StoredState>>(sql => Read(sql, keys, budget: null), cancellationToken);

    /// <summary>Counts each value as its row is read, so the read stops at the first value past the budget.</summary>
    protected override Task<IReadOnlyDictionary<string, StoredState>> ReadBoundedAsync(IReadOnlyList<string> keys, StateReadBudget budget, CancellationToken cancellationToken) =>
        _session.ReadAsync<IReadOnlyDictionary<string, StoredState>>(sql => Read(sql, keys, budget), cancellationToken);

    /// <summary>
    /// The query API over the rows read one at a time (the filter runs in this process, over each value's JSON): in key
    /// order when the query has no sort keys, so a page ends the read once it is full. An item that moves into the page
    /// has its value read again on the same connection while the scan is open, so from the same snapshot.
    /// </summary>
    public Task<StateQueryResponse> QueryAsync(StateQuery query, CancellationToken cancellationToken = default) =>
        QueryRecordsAsync(query, run => _session.ReadAsync(sql =>
        {
            var inKeyOrder = query.Sort is not { Count: > 0 };
            var rows = sql.Each(inKeyOrder ? _scanByKey : _scan, row => KeyValuePair.Create(row.GetString(3), ToState(row)));
            var statements = sql;
            return run(new StateQueryScan(rows, inKeyOrder, key => statements.QueryFirst(_select, ToState, key)));
        }, cancellationToken), cancellationToken);

    /// <summary>Keys in SQLite's binary (UTF-8 byte) order, walking the primary key from the prefix.</summary>
    protected override async Task<StateKeyPage> ListKeysCoreAsync(string prefix, int limit, string? continuationToken, CancellationToken cancellationToken)
    {
        var after = KeyAfter(continuationToken);
        var keys = await _session.ReadAsync(sql => sql.Query(_keys, row => row.GetString(0), prefix, after, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), limit + 1), cancellationToken).ConfigureAwait(false);
        return KeyOrderPage(keys, limit);
    }

    protected override Task<StoredState?> ReadOneAsync(string key, CancellationToken cancellationToken) =>
        _session.ReadAsync(sql => sql.QueryFirst(_select, ToState, key), cancellationToken);

    protected override Task WriteAsync(IReadOnlyList<string> keys, Func<IReadOnlyDictionary<string, StoredState>, IReadOnlyList<StateChange>> decide, CancellationToken cancellationToken)
    {
        // With nothing to read, the changes are known before the connection is taken; a lone statement SQLite
        // commits atomically on its own, without the round trips of an explicit transaction.
        var known = keys.Count == 0 ? decide(NothingRead) : null;
        if (known is [var only] && DateTimeOffset.UtcNow < _nextPurge)
        {
            return _session.RunAsync(sql => Apply(sql, only), cancellationToken);
        }
        return _session.InTransactionAsync(sql =>
        {
            foreach (var change in known ?? decide(Read(sql, keys, budget: null)))
            {
                Apply(sql, change);
            }
            if (DateTimeOffset.UtcNow >= _nextPurge)
            {
                sql.Execute(_deleteExpired, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                _nextPurge = DateTimeOffset.UtcNow + PurgeInterval;
            }
            return true;
        }, cancellationToken);
    }

    private int Apply(SqliteSession.Statements sql, StateChange change) =>
        change.State is { } state
            ? sql.Execute(_upsert, change.Key, state.Value.ToArray(), state.ETag, state.ExpiresAt?.ToUnixTimeMilliseconds())
            : sql.Execute(_delete, change.Key);

    public void Dispose() => _session.Dispose();

    private Dictionary<string, StoredState> Read(SqliteSession.Statements sql, IReadOnlyList<string> keys, StateReadBudget? budget)
    {
        var result = new Dictionary<string, StoredState>(keys.Count, StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (sql.QueryFirst(_select, ToState, key) is { } state)
            {
                budget?.Add(state.Value.Length);
                result[key] = state;
            }
        }
        return result;
    }

    private static StoredState ToState(SqliteDataReader row) =>
        new((byte[])row.GetValue(0), row.GetString(1), row.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(row.GetInt64(2)));
}
