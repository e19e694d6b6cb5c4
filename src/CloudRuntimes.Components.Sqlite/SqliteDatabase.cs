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
/// it commits, and disposing it without committing rolls back. Writers of <see cref="IDatabase"/> (a statement that
/// is not read-only, a transaction until it ends) take turns through an asynchronous gate before they reach SQLite's
/// write lock, waiting at most the statement deadline, so a queue of writers holds no threads.
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
    /// The writers of <see cref="IDatabase"/>, one at a time. They wait here asynchronously: inside SQLite's busy
    /// timeout each waiting writer would sleep on a thread-pool thread, and 300 of them starved the server.
    /// </summary>
    private readonly SemaphoreSlim _writers = new(1, 1);

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
        ComponentTelemetry.TraceAsync("database", "execute", _componentName, () => RunAsync(sql, parameters ?? [], statement => statement.Execute(), cancellationToken));

    /// <inheritdoc />
    public Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> QueryAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default) =>
        ComponentTelemetry.TraceAsync("database", "query", _componentName, () => RunAsync<IReadOnlyList<IReadOnlyDictionary<string, object?>>>(sql, parameters ?? [], statement => statement.ReadRows(MaxResultBytes), cancellationToken));

    /// <inheritdoc />
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.DatabaseTimeout"/>: other writers held the database past the statement deadline.</exception>
    public async Task<IDatabaseTransaction> BeginTransactionAsync(CancellationToken cancellationToken = default)
    {
        await EnterWritersAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return new Transaction(this, BeginConnection(), _writers);
        }
        catch
        {
            _writers.Release();
            throw;
        }
    }

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
    public ISqlPortTransaction BeginTransaction() => new Transaction(this, BeginConnection(), writers: null);

    /// <inheritdoc />
    public void Dispose()
    {
        SqliteConnection.ClearPool(new SqliteConnection(_file.ConnectionString));
        _writers.Dispose();
    }

    /// <summary>
    /// One statement of <see cref="IDatabase"/> on a pooled connection; one that is not read-only runs in its turn among
    /// the writers (its deadline runs while it waits).
    /// </summary>
    private async Task<T> RunAsync<T>(string sql, IReadOnlyList<object?> parameters, Func<SqlStatement, T> work, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var statement = SqlStatement.Prepare(connection.Handle!, sql, parameters, SqlCallOptions.Untrusted, StatementTimeout, cancellationToken);
        if (statement.IsReadOnly)
        {
            return work(statement);
        }
        await EnterWritersAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return work(statement);
        }
        finally
        {
            _writers.Release();
        }
    }

    /// <summary>Waits for the writers' gate, at most the statement deadline.</summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.DatabaseTimeout"/> when the deadline passes first.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    private async Task EnterWritersAsync(CancellationToken cancellationToken)
    {
        if (!await _writers.WaitAsync(StatementTimeout, cancellationToken).ConfigureAwait(false))
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.DatabaseTimeout, $"other writes held the database for {StatementTimeout.TotalSeconds:0.###} s (the statement deadline); nothing was written, try again");
        }
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

    /// <summary>A transaction on its own connection; both APIs' transaction objects. <paramref name="writers"/>: the gate it holds until disposed, if any.</summary>
    private sealed class Transaction(SqliteDatabase owner, SqliteConnection connection, SemaphoreSlim? writers) : IDatabaseTransaction, ISqlPortTransaction
    {
        private bool _finished;
        private bool _disposed;

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
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            try
            {
                if (!_finished)
                {
                    Finish("ROLLBACK");
                }
            }
            finally
            {
                connection.Dispose();
                writers?.Release();
            }
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
