using System.Globalization;
using CloudRuntimes.Components.Composition;
using CloudRuntimes.Database;
using Microsoft.Data.Sqlite;

namespace CloudRuntimes.Components.Sqlite;

/// <summary>
/// <c>database.sqlite</c>: SQL on a SQLite file with positional parameters (<c>?</c> or <c>?NNN</c>). Parameter
/// values may be null, bool (stored as 0/1), int, long, float, double, string or byte[]; rows come back with
/// long, double, string, byte[] or null values. A transaction uses its own connection, so statements outside it
/// do not see its changes until it commits; disposing it without committing rolls back.
/// </summary>
internal sealed class SqliteDatabase : IDatabase, IDisposable
{
    private readonly SqliteSession _session;
    private readonly string _componentName;

    public SqliteDatabase(SqliteSession session, string componentName)
    {
        _session = session;
        _componentName = componentName;
    }

    /// <summary>The SQLite file this database works on (the connection string's data source).</summary>
    public string FilePath => new SqliteConnectionStringBuilder(_session.ConnectionString).DataSource;

    /// <inheritdoc />
    public Task<long> ExecuteAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default) =>
        ComponentTelemetry.TraceAsync("database", "execute", _componentName, () => ExecuteCoreAsync(sql, parameters, cancellationToken));

    private Task<long> ExecuteCoreAsync(string sql, IReadOnlyList<object?>? parameters, CancellationToken cancellationToken) =>
        _session.WithConnectionAsync(connection => Execute(connection, null, sql, parameters), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> QueryAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default) =>
        ComponentTelemetry.TraceAsync("database", "query", _componentName, () => QueryCoreAsync(sql, parameters, cancellationToken));

    private Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> QueryCoreAsync(string sql, IReadOnlyList<object?>? parameters, CancellationToken cancellationToken) =>
        _session.WithConnectionAsync<IReadOnlyList<IReadOnlyDictionary<string, object?>>>(connection => Query(connection, null, sql, parameters), cancellationToken);

    public Task<IDatabaseTransaction> BeginTransactionAsync(CancellationToken cancellationToken = default)
    {
        var connection = SqliteSession.Open(_session.ConnectionString, _session.Synchronous);
        try
        {
            return Task.FromResult<IDatabaseTransaction>(new Transaction(this, connection, connection.BeginTransaction(deferred: false)));
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw Failed("BEGIN", e);
        }
    }

    public void Dispose() => _session.Dispose();

    private long Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, IReadOnlyList<object?>? parameters)
    {
        using var command = Prepare(connection, transaction, sql, parameters);
        try
        {
            return command.ExecuteNonQuery();
        }
        catch (SqliteException e)
        {
            throw Failed(sql, e);
        }
    }

    private List<IReadOnlyDictionary<string, object?>> Query(SqliteConnection connection, SqliteTransaction? transaction, string sql, IReadOnlyList<object?>? parameters)
    {
        using var command = Prepare(connection, transaction, sql, parameters);
        try
        {
            using var reader = command.ExecuteReader();
            var rows = new List<IReadOnlyDictionary<string, object?>>();
            while (reader.Read())
            {
                var row = new Dictionary<string, object?>(reader.FieldCount, StringComparer.Ordinal);
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                }
                rows.Add(row);
            }
            return rows;
        }
        catch (SqliteException e)
        {
            throw Failed(sql, e);
        }
    }

    private SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction? transaction, string sql, IReadOnlyList<object?>? parameters)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = PositionalParameters.Number(sql);
        for (var i = 0; i < (parameters?.Count ?? 0); i++)
        {
            var value = parameters![i] switch
            {
                null => DBNull.Value,
                bool b => b ? 1L : 0L,
                int or long or float or double or string or byte[] => parameters[i]!,
                var other => throw new CloudRuntimesException(CloudRuntimesErrors.Database, $"database {_componentName}: parameter {i + 1} has unsupported type {other.GetType().Name}; use null, bool, long, double, string or byte[]"),
            };
            command.Parameters.AddWithValue("?" + (i + 1).ToString(CultureInfo.InvariantCulture), value);
        }
        return command;
    }

    private CloudRuntimesException Failed(string sql, SqliteException e) =>
        new(CloudRuntimesErrors.Database, $"database {_componentName}: {e.Message} (statement: {(sql.Length > 200 ? sql[..200] + "…" : sql)})", e);

    private sealed class Transaction(SqliteDatabase owner, SqliteConnection connection, SqliteTransaction transaction) : IDatabaseTransaction
    {
        private bool _finished;

        public Task<long> ExecuteAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(owner.Execute(connection, Active(), sql, parameters));

        public Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> QueryAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<IReadOnlyDictionary<string, object?>>>(owner.Query(connection, Active(), sql, parameters));

        public Task CommitAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                Active().Commit();
            }
            catch (SqliteException e)
            {
                throw owner.Failed("COMMIT", e);
            }
            _finished = true;
            return Task.CompletedTask;
        }

        public Task RollbackAsync(CancellationToken cancellationToken = default)
        {
            Active().Rollback();
            _finished = true;
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            transaction.Dispose();
            connection.Dispose();
            return ValueTask.CompletedTask;
        }

        private SqliteTransaction Active() =>
            _finished ? throw new CloudRuntimesException(CloudRuntimesErrors.Database, $"database {owner._componentName}: the transaction has already been committed or rolled back") : transaction;
    }
}
