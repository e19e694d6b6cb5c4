using System.Text;
using System.Text.Json;
using CloudRuntimes.Components.State;
using CloudRuntimes.State;
using Npgsql;
using NpgsqlTypes;

namespace CloudRuntimes.Components.PostgreSql.State;

/// <summary>
/// <c>state.postgresql</c>: one row per key in a table (metadata <c>tableName</c>, default <c>state</c>) with the value's
/// bytes, the value as <c>jsonb</c> when it is JSON (what the query API filters, sorts and pages in the database), the
/// ETag and the expiry. Writes that depend on stored records (ETag, first-write) read them <c>FOR UPDATE</c> in a
/// transaction and insert absent keys only if still absent, retrying when another writer got in first, so they are
/// all-or-nothing and never lose a concurrent write. Expired rows are filtered on read and deleted every
/// <c>cleanupInterval</c> (default 1h; <c>0</c> turns it off) by one replica at a time, coordinated through the
/// metadata table (<c>metadataTableName</c>, default <c>dapr_metadata</c>).
/// </summary>
internal sealed class PostgreSqlStateStore : StateStoreBase, IQueryableStateStore, IAsyncDisposable
{
    private const int MaxAttempts = 20;
    private readonly NpgsqlDataSource _source;
    private readonly string _table;
    private readonly string _select;
    private readonly string _selectMany;
    private readonly string _upsert;
    private readonly string _insertIfAbsent;
    private readonly string _delete;
    private readonly string _keys;
    private readonly StateCleanup? _cleanup;

    private PostgreSqlStateStore(NpgsqlDataSource source, string table, string componentName, StateCleanup? cleanup)
        : base(componentName)
    {
        _source = source;
        _table = table;
        _cleanup = cleanup;
        _select = $"SELECT value, etag, expires_at FROM {table} WHERE key = $1";
        _selectMany = $"SELECT key, value, etag, expires_at FROM {table} WHERE key = ANY($1)";
        const string Values = "($1, $2, $3, $4, $5)";
        _upsert = $"INSERT INTO {table} (key, value, value_json, etag, expires_at) VALUES {Values} ON CONFLICT (key) DO UPDATE SET value = excluded.value, value_json = excluded.value_json, etag = excluded.etag, expires_at = excluded.expires_at";
        _insertIfAbsent = $"INSERT INTO {table} (key, value, value_json, etag, expires_at) VALUES {Values} ON CONFLICT (key) DO NOTHING";
        _delete = $"DELETE FROM {table} WHERE key = $1";
        _keys = $"SELECT key FROM {table} WHERE starts_with(key, $1) AND ($2::text IS NULL OR key COLLATE \"C\" > $2) AND (expires_at IS NULL OR expires_at > now()) ORDER BY key COLLATE \"C\" LIMIT $3";
    }

    /// <summary>Creates the tables when missing and starts the expired-row cleanup.</summary>
    public static async Task<PostgreSqlStateStore> CreateAsync(NpgsqlDataSource source, ComponentDefinition definition, CancellationToken cancellationToken)
    {
        var table = PostgreSqlSource.Table(definition, "tableName", "state");
        var metadataTable = PostgreSqlSource.Table(definition, "metadataTableName", "dapr_metadata");
        TimeSpan? interval = definition.Get("cleanupInterval") is "0" or "0s" ? null : definition.GetDuration("cleanupInterval") ?? TimeSpan.FromHours(1);
        await PostgreSqlSchema.EnsureAsync(source, definition, [
            $"CREATE TABLE IF NOT EXISTS {table} (key text NOT NULL PRIMARY KEY, value bytea NOT NULL, value_json jsonb NULL, etag text NOT NULL, expires_at timestamptz NULL)",
            $"CREATE TABLE IF NOT EXISTS {metadataTable} (key text NOT NULL PRIMARY KEY, value text NOT NULL)",
        ], cancellationToken).ConfigureAwait(false);
        var cleanup = interval is { } every ? StateCleanup.Start(source, table, metadataTable, every) : null;
        return new PostgreSqlStateStore(source, table, definition.Name, cleanup);
    }

    /// <summary>The query API, run by PostgreSQL over the <c>jsonb</c> column (see <see cref="JsonbQuery"/>).</summary>
    public Task<StateQueryResponse> QueryAsync(StateQuery query, CancellationToken cancellationToken = default) =>
        RunQueryAsync(query, async () =>
        {
            var (sql, parameters) = JsonbQuery.Build(_table, query);
            await using var command = _source.CreateCommand(sql);
            foreach (var parameter in parameters)
            {
                command.Parameters.Add(parameter);
            }
            var budget = QueryBudget(query);
            var rows = new List<StateQueryItem>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var row = new StateQueryItem(reader.GetString(0), reader.GetFieldValue<byte[]>(1), reader.GetString(2));
                budget?.Add(row.Data.Length);
                rows.Add(row);
            }
            return JsonbQuery.Page(query, rows);
        });

    /// <summary>Keys in byte order (<c>COLLATE "C"</c>).</summary>
    protected override async Task<StateKeyPage> ListKeysCoreAsync(string prefix, int limit, string? continuationToken, CancellationToken cancellationToken)
    {
        await using var command = _source.CreateCommand(_keys);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = prefix });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)KeyAfter(continuationToken) ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit + 1 });
        var keys = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(reader.GetString(0));
        }
        return KeyOrderPage(keys, limit);
    }

    protected override async Task<StoredState?> ReadOneAsync(string key, CancellationToken cancellationToken)
    {
        await using var command = _source.CreateCommand(_select);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ToState(reader, 0) : null;
    }

    protected override async Task<IReadOnlyDictionary<string, StoredState>> ReadAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAsync(connection, null, keys, forUpdate: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One query for every key, each value counted as its row streams in, so the read stops at the first value past the budget.</summary>
    protected override async Task<IReadOnlyDictionary<string, StoredState>> ReadBoundedAsync(IReadOnlyList<string> keys, StateReadBudget budget, CancellationToken cancellationToken)
    {
        await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAsync(connection, null, keys, forUpdate: false, cancellationToken, budget).ConfigureAwait(false);
    }

    protected override async Task WriteAsync(IReadOnlyList<string> keys, Func<IReadOnlyDictionary<string, StoredState>, IReadOnlyList<StateChange>> decide, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            // Nothing to read or guard: the changes are known before a connection is taken; one statement commits on its own.
            var changes = decide(NothingRead);
            await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = changes.Count > 1 ? await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false) : null;
            await ApplyAsync(connection, transaction, changes, absent: [], cancellationToken).ConfigureAwait(false);
            if (transaction is not null)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            return;
        }
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var current = await ReadAsync(connection, transaction, keys, forUpdate: true, cancellationToken).ConfigureAwait(false);
            var changes = decide(current);
            var absent = keys.Where(k => !current.ContainsKey(k)).ToHashSet(StringComparer.Ordinal);
            if (await ApplyAsync(connection, transaction, changes, absent, cancellationToken).ConfigureAwait(false))
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            if (attempt == MaxAttempts)
            {
                throw new CloudRuntimesException(CloudRuntimesErrors.StateSave, $"state store {ComponentName}: keys {string.Join(", ", keys)} kept changing under concurrent writers; gave up after {MaxAttempts} attempts");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_cleanup is not null)
        {
            await _cleanup.DisposeAsync().ConfigureAwait(false);
        }
        await _source.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Applies the changes in one round trip. A key read as absent is first written only if still absent; false when
    /// another writer inserted it meanwhile (nothing should be committed then).
    /// </summary>
    private async Task<bool> ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<StateChange> changes, HashSet<string> absent, CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            return true;
        }
        await using var batch = new NpgsqlBatch(connection, transaction);
        var guarded = new List<NpgsqlBatchCommand>();
        foreach (var change in changes)
        {
            var command = new NpgsqlBatchCommand();
            if (change.State is not { } state)
            {
                command.CommandText = _delete;
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = change.Key });
            }
            else
            {
                var insertOnly = absent.Remove(change.Key);
                command.CommandText = insertOnly ? _insertIfAbsent : _upsert;
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = change.Key });
                command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = state.Value.ToArray() });
                command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = JsonText(state.Value) ?? (object)DBNull.Value });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = state.ETag });
                command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = state.ExpiresAt is { } expiry ? expiry.UtcDateTime : DBNull.Value });
                if (insertOnly)
                {
                    guarded.Add(command);
                }
            }
            // A later change of the same key in this batch sees the row the earlier one made.
            absent.Remove(change.Key);
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return guarded.All(c => c.RecordsAffected == 1);
    }

    private async Task<Dictionary<string, StoredState>> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<string> keys, bool forUpdate, CancellationToken cancellationToken, StateReadBudget? budget = null)
    {
        await using var command = new NpgsqlCommand(forUpdate ? _selectMany + " FOR UPDATE" : _selectMany, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. keys] });
        var result = new Dictionary<string, StoredState>(keys.Count, StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var state = ToState(reader, 1);
            budget?.Add(state.Value.Length);
            result[reader.GetString(0)] = state;
        }
        return result;
    }

    private static StoredState ToState(NpgsqlDataReader row, int first) =>
        new(row.GetFieldValue<byte[]>(first), row.GetString(first + 1), row.IsDBNull(first + 2) ? null : new DateTimeOffset(row.GetFieldValue<DateTime>(first + 2), TimeSpan.Zero));

    /// <summary>The value as JSON text for the <c>jsonb</c> column, or null when it is not JSON PostgreSQL can store (not JSON, or a string with U+0000).</summary>
    internal static string? JsonText(ReadOnlyMemory<byte> value)
    {
        if (value.Span.IndexOf("\\u0000"u8) >= 0)
        {
            return null;
        }
        try
        {
            JsonDocument.Parse(value).Dispose();
        }
        catch (JsonException)
        {
            return null;
        }
        return Encoding.UTF8.GetString(value.Span);
    }
}
