using System.Buffers;
using System.Runtime.CompilerServices;
using CloudRuntimes.Database;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace CloudRuntimes.Components.Sqlite;

/// <summary>
/// <c>database.sqlite</c>: SQL on a SQLite file (WAL), for the database API (<see cref="IDatabase"/>) and for hosts
/// that run SQL synchronously on behalf of others (<see cref="ISqlPort"/>: the VTX plugins' <c>sql</c> import). Both
/// run every statement through the one <see cref="SqlStatement"/> runner and <see cref="SqlGuard"/>: one statement
/// per call, parameters bound by index (null, bool as 0/1, int, long, float, double, string, byte[]), the
/// statement deadline (metadata <c>statementTimeout</c>, Go duration, default 5s) and the result limit (metadata
/// <c>maxResultBytes</c>, default 16 MiB, counted while rows stream). Calls take pooled connections, so reads run
/// side by side; a transaction holds a connection of its own, so statements outside it do not see its changes until
/// it commits, and disposing it without committing rolls back.
/// </summary>
public sealed class SqliteDatabase : IDatabase, ISqlPort, IDisposable
{
    /// <summary>The default statement deadline: 5 s.</summary>
    public static readonly TimeSpan DefaultStatementTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The default result limit: 16 MiB.</summary>
    public const long DefaultMaxResultBytes = 16L * 1024 * 1024;

    /// <summary>Connections already given the per-connection settings (pooled connections come back with them).</summary>
    private readonly ConditionalWeakTable<sqlite3, object> _configured = [];
    private readonly SqliteFile _file;
    private readonly string _componentName;

    /// <summary>
    /// Opens (creating if needed) a SQLite database file outside a component set, e.g. for a standalone VTX plugin host.
    /// </summary>
    /// <param name="filePath">The SQLite file; its folder is created.</param>
    /// <param name="statementTimeout">Longest a statement may run; default 5 s.</param>
    /// <param name="maxResultBytes">Largest query result in bytes; default 16 MiB.</param>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.Database"/>: the file cannot be opened.</exception>
    public SqliteDatabase(string filePath, TimeSpan? statementTimeout = null, long maxResultBytes = DefaultMaxResultBytes)
        : this(new SqliteFile(new SqliteConnectionStringBuilder { DataSource = CreateFolder(Path.GetFullPath(filePath)) }.ToString(), "FULL"), Path.GetFileName(filePath), statementTimeout ?? DefaultStatementTimeout, maxResultBytes)
    {
    }

    internal SqliteDatabase(SqliteFile file, string componentName, TimeSpan statementTimeout, long maxResultBytes)
    {
        _file = file;
        _componentName = componentName;
        StatementTimeout = statementTimeout;
        MaxResultBytes = maxResultBytes;
        using var connection = Open();
        using var wal = connection.CreateCommand();
        wal.CommandText = "PRAGMA journal_mode=WAL";
        wal.ExecuteNonQuery();
    }

    /// <summary>Longest a statement may run before it is interrupted.</summary>
    public TimeSpan StatementTimeout { get; }

    /// <summary>Largest query result, in bytes of its JSON text (or of its values, for <see cref="QueryAsync"/>).</summary>
    public long MaxResultBytes { get; }

    private static string CreateFolder(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    /// <inheritdoc />
    public Task<long> ExecuteAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default) =>
        ComponentTelemetry.TraceAsync("database", "execute", _componentName, () => Task.FromResult(Execute(sql, parameters ?? [], SqlCallOptions.Untrusted, cancellationToken)));

    /// <inheritdoc />
    public Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> QueryAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default) =>
        ComponentTelemetry.TraceAsync("database", "query", _componentName, () => Task.FromResult<IReadOnlyList<IReadOnlyDictionary<string, object?>>>(Query(sql, parameters ?? [], cancellationToken)));

    /// <inheritdoc />
    public Task<IDatabaseTransaction> BeginTransactionAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IDatabaseTransaction>(new Transaction(this, BeginConnection()));

    /// <inheritdoc />
    public long Execute(string sql, IReadOnlyList<object?> parameters, SqlCallOptions options, CancellationToken cancellationToken)
    {
        using var connection = Open();
        return Run(connection, sql, parameters, options, statement => statement.Execute(), cancellationToken);
    }

    /// <inheritdoc />
    public void QueryJson(string sql, IReadOnlyList<object?> parameters, IBufferWriter<byte> output, SqlCallOptions options, CancellationToken cancellationToken)
    {
        using var connection = Open();
        WriteJson(connection, sql, parameters, output, options, cancellationToken);
    }

    /// <inheritdoc />
    public ISqlPortTransaction BeginTransaction() => new Transaction(this, BeginConnection());

    /// <inheritdoc />
    public void Dispose() => SqliteConnection.ClearPool(new SqliteConnection(_file.ConnectionString));

    private List<IReadOnlyDictionary<string, object?>> Query(string sql, IReadOnlyList<object?> parameters, CancellationToken cancellationToken)
    {
        using var connection = Open();
        return Run(connection, sql, parameters, SqlCallOptions.Untrusted, statement => statement.ReadRows(MaxResultBytes), cancellationToken);
    }

    private void WriteJson(SqliteConnection connection, string sql, IReadOnlyList<object?> parameters, IBufferWriter<byte> output, SqlCallOptions options, CancellationToken cancellationToken)
    {
        using var statement = SqlStatement.Prepare(connection.Handle!, sql, parameters, options, StatementTimeout, cancellationToken);
        statement.WriteJson(output, MaxResultBytes);
    }

    private T Run<T>(SqliteConnection connection, string sql, IReadOnlyList<object?> parameters, SqlCallOptions options, Func<SqlStatement, T> work, CancellationToken cancellationToken)
    {
        using var statement = SqlStatement.Prepare(connection.Handle!, sql, parameters, options, StatementTimeout, cancellationToken);
        return work(statement);
    }

    /// <summary>A pooled connection with the component's pragmas and the guard's per-connection settings.</summary>
    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_file.ConnectionString);
        try
        {
            connection.Open();
            if (!_configured.TryGetValue(connection.Handle!, out _))
            {
                using var pragmas = connection.CreateCommand();
                pragmas.CommandText = $"PRAGMA synchronous={_file.Synchronous}";
                pragmas.ExecuteNonQuery();
                SqlGuard.Configure(connection.Handle!, MaxResultBytes);
                _configured.AddOrUpdate(connection.Handle!, this);
            }
            return connection;
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new CloudRuntimesException(CloudRuntimesErrors.Database, $"database {_componentName}: cannot open its database file", e);
        }
    }

    /// <summary>A connection of its own in a write transaction (<c>BEGIN IMMEDIATE</c>, waiting for the lock up to the statement deadline).</summary>
    private SqliteConnection BeginConnection()
    {
        var connection = Open();
        try
        {
            raw.sqlite3_busy_timeout(connection.Handle!, (int)StatementTimeout.TotalMilliseconds);
            using var begin = connection.CreateCommand();
            begin.CommandText = "BEGIN IMMEDIATE";
            begin.ExecuteNonQuery();
            return connection;
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new CloudRuntimesException(CloudRuntimesErrors.Database, $"database {_componentName}: cannot begin a transaction", e);
        }
    }

    /// <summary>A transaction on its own connection; both APIs' transaction objects.</summary>
    private sealed class Transaction(SqliteDatabase owner, SqliteConnection connection) : IDatabaseTransaction, ISqlPortTransaction
    {
        private bool _finished;

        public Task<long> ExecuteAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(Execute(sql, parameters ?? [], SqlCallOptions.Untrusted, cancellationToken));

        public Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> QueryAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<IReadOnlyDictionary<string, object?>>>(owner.Run(Active(), sql, parameters ?? [], SqlCallOptions.Untrusted, statement => statement.ReadRows(owner.MaxResultBytes), cancellationToken));

        public long Execute(string sql, IReadOnlyList<object?> parameters, SqlCallOptions options, CancellationToken cancellationToken) =>
            owner.Run(Active(), sql, parameters, options, statement => statement.Execute(), cancellationToken);

        public void QueryJson(string sql, IReadOnlyList<object?> parameters, IBufferWriter<byte> output, SqlCallOptions options, CancellationToken cancellationToken) =>
            owner.WriteJson(Active(), sql, parameters, output, options, cancellationToken);

        public Task CommitAsync(CancellationToken cancellationToken = default)
        {
            Commit();
            return Task.CompletedTask;
        }

        public void Commit() => Finish("COMMIT");

        public Task RollbackAsync(CancellationToken cancellationToken = default)
        {
            Finish("ROLLBACK");
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        public void Dispose()
        {
            if (!_finished)
            {
                Finish("ROLLBACK");
            }
            connection.Dispose();
        }

        private void Finish(string verb)
        {
            using var command = Active().CreateCommand();
            command.CommandText = verb;
            _finished = true;
            try
            {
                command.ExecuteNonQuery();
            }
            catch (SqliteException e)
            {
                throw new CloudRuntimesException(CloudRuntimesErrors.Database, $"database {owner._componentName}: {verb} failed", e);
            }
        }

        private SqliteConnection Active() =>
            _finished ? throw new CloudRuntimesException(CloudRuntimesErrors.Database, $"database {owner._componentName}: the transaction has already been committed or rolled back") : connection;
    }
}
