using CloudRuntimes.Components.Composition;
using Microsoft.Data.Sqlite;

namespace CloudRuntimes.Components.Sqlite;

/// <summary>
/// One SQLite file as a component uses it: a writer connection in WAL mode, used by one operation at a time (SQLite
/// writes one transaction at a time anyway), and — for a file in WAL mode — a <see cref="SqliteReaderPool"/> for
/// lone reads (<see cref="ReadAsync"/>); prepared commands are cached by SQL text on each connection. An in-memory
/// database (each connection would see its own) or a file that cannot be in WAL mode has only the writer. Other
/// processes and other components may open the same file; SQLite's locking and the busy timeout serialize them.
/// </summary>
internal sealed class SqliteSession : IDisposable
{
    private readonly PreparedConnection _writer;
    private readonly SqliteReaderPool? _readers;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public SqliteSession(string connectionString, string synchronous)
    {
        ConnectionString = connectionString;
        Synchronous = synchronous;
        var connection = Open(connectionString, synchronous);
        _writer = new PreparedConnection(connection);
        _readers = IsSharedFileInWal(connection) ? new SqliteReaderPool(connectionString) : null;
    }

    public string ConnectionString { get; }

    /// <summary>The <c>PRAGMA synchronous</c> mode of every connection to this file.</summary>
    public string Synchronous { get; }

    /// <summary>A session on the SQLite file of a component (<see cref="SqliteFile.For"/>).</summary>
    /// <exception cref="CloudRuntimesException">Bad metadata, or the file cannot be opened (the message names the component and the file).</exception>
    public static SqliteSession For(ComponentDefinition definition, ComponentContext context)
    {
        var file = SqliteFile.For(definition, context);
        try
        {
            return new SqliteSession(file.ConnectionString, file.Synchronous);
        }
        catch (SqliteException e)
        {
            throw file.CannotOpen(definition, e);
        }
    }

    /// <summary>How long a statement waits for another connection's lock before it fails, in milliseconds (<c>PRAGMA busy_timeout</c>).</summary>
    public const int BusyTimeoutMilliseconds = 10_000;

    /// <summary>Opens a connection with the pragmas every component connection uses (WAL, busy timeout, synchronous).</summary>
    public static SqliteConnection Open(string connectionString, string synchronous) =>
        OpenWith(connectionString, $"PRAGMA journal_mode=WAL; PRAGMA busy_timeout={BusyTimeoutMilliseconds}; PRAGMA synchronous={synchronous};");

    /// <summary>Opens a connection and runs <paramref name="pragmas"/> on it; a connection that fails them is closed.</summary>
    public static SqliteConnection OpenWith(string connectionString, string pragmas)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = pragmas;
            command.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Whether other connections to the same string see the same data, and read beside the writer (WAL mode).</summary>
    private static bool IsSharedFileInWal(SqliteConnection connection)
    {
        var settings = new SqliteConnectionStringBuilder(connection.ConnectionString);
        if (settings.Mode == SqliteOpenMode.Memory || settings.DataSource is "" or ":memory:")
        {
            return false;
        }
        using var mode = connection.CreateCommand();
        mode.CommandText = "PRAGMA journal_mode";
        return string.Equals(mode.ExecuteScalar() as string, "wal", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Runs <paramref name="work"/> with the connection itself (for callers that build their own commands).</summary>
    public async Task<T> WithConnectionAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return work(_writer.Connection);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Runs statements on the writer, outside a transaction (a lone write SQLite commits atomically).</summary>
    public Task<T> RunAsync<T>(Func<Statements, T> work, CancellationToken cancellationToken) =>
        WithConnectionAsync(_ => work(new Statements(_writer, null)), cancellationToken);

    /// <summary>
    /// Runs read-only statements (<c>PRAGMA query_only</c>) on a pooled reader, outside a transaction: each statement
    /// sees every transaction committed before it started. Without a reader pool, on the writer.
    /// </summary>
    public Task<T> ReadAsync<T>(Func<Statements, T> work, CancellationToken cancellationToken) =>
        _readers is { } readers ? readers.RunAsync(reader => work(new Statements(reader, null)), cancellationToken) : RunAsync(work, cancellationToken);

    /// <summary>Runs <paramref name="work"/> in one immediate (write-locking) transaction; commits when it returns, rolls back when it throws.</summary>
    /// <param name="work">The statements.</param>
    /// <param name="cancellationToken">Cancels waiting for the connection.</param>
    /// <param name="durability">
    /// <see cref="CommitDurability.PowerLoss"/> (the default) commits with the session's <see cref="Synchronous"/> mode;
    /// <see cref="CommitDurability.ProcessCrash"/> commits with at most <c>synchronous=NORMAL</c>: in WAL mode the commit
    /// survives a crash or kill of the process at once, and power loss from the next fully synchronous commit or checkpoint.
    /// </param>
    public async Task<T> InTransactionAsync<T>(Func<Statements, T> work, CancellationToken cancellationToken, CommitDurability durability = CommitDurability.PowerLoss)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var relaxed = durability == CommitDurability.ProcessCrash && Synchronous is "FULL" or "EXTRA";
        try
        {
            if (relaxed)
            {
                _writer.Command("PRAGMA synchronous=NORMAL", null, []).ExecuteNonQuery();
            }
            using var transaction = _writer.Connection.BeginTransaction(deferred: false);
            var result = work(new Statements(_writer, transaction));
            transaction.Commit();
            return result;
        }
        finally
        {
            if (relaxed)
            {
                _writer.Command("PRAGMA synchronous=" + Synchronous, null, []).ExecuteNonQuery();
            }
            _gate.Release();
        }
    }

    /// <summary>Runs a schema script once, at creation.</summary>
    public void Execute(string sql)
    {
        using var command = _writer.Connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Runs a schema query once, at creation: its first value, or null when it returns no row.</summary>
    public object? ExecuteScalar(string sql)
    {
        using var command = _writer.Connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public void Dispose()
    {
        _readers?.Dispose();
        _writer.Dispose();
        _gate.Dispose();
    }

    /// <summary>Statement helpers bound to one connection and its current transaction; parameters are <c>$p0</c>, <c>$p1</c>, ...</summary>
    internal readonly struct Statements(PreparedConnection connection, SqliteTransaction? transaction)
    {
        public int Execute(string sql, params object?[] parameters) => connection.Command(sql, transaction, parameters).ExecuteNonQuery();

        public object? Scalar(string sql, params object?[] parameters) => connection.Command(sql, transaction, parameters).ExecuteScalar() is var value && value is DBNull ? null : value;

        /// <summary>The first row of the result, or null when there is none.</summary>
        public T? QueryFirst<T>(string sql, Func<SqliteDataReader, T> row, params object?[] parameters)
            where T : class
        {
            using var reader = connection.Command(sql, transaction, parameters).ExecuteReader();
            return reader.Read() ? row(reader) : null;
        }

        /// <summary>The rows of the result, each read as the caller enumerates (the reader closes when the enumeration ends or is left).</summary>
        public IEnumerable<T> Each<T>(string sql, Func<SqliteDataReader, T> row, params object?[] parameters)
        {
            using var reader = connection.Command(sql, transaction, parameters).ExecuteReader();
            while (reader.Read())
            {
                yield return row(reader);
            }
        }

        public List<T> Query<T>(string sql, Func<SqliteDataReader, T> row, params object?[] parameters)
        {
            using var reader = connection.Command(sql, transaction, parameters).ExecuteReader();
            var rows = new List<T>();
            while (reader.Read())
            {
                rows.Add(row(reader));
            }
            return rows;
        }
    }
}

/// <summary>What a committed SQLite transaction must survive.</summary>
internal enum CommitDurability
{
    /// <summary>Power loss and operating-system crashes: the commit is synced to disk before it returns.</summary>
    PowerLoss,

    /// <summary>A crash or kill of the process; power loss only once a later synced commit or checkpoint has run.</summary>
    ProcessCrash,
}
