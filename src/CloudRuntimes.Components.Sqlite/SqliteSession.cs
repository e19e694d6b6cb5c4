using CloudRuntimes.Components.Composition;
using Microsoft.Data.Sqlite;

namespace CloudRuntimes.Components.Sqlite;

/// <summary>
/// One SQLite file as a component uses it: a single open connection in WAL mode, used by one operation at a time
/// (SQLite writes one transaction at a time anyway), with prepared commands cached by SQL text. Other processes
/// and other components may open the same file; SQLite's locking and the busy timeout serialize them.
/// </summary>
internal sealed class SqliteSession : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    public SqliteSession(string connectionString, string synchronous)
    {
        ConnectionString = connectionString;
        Synchronous = synchronous;
        _connection = Open(connectionString, synchronous);
    }

    public string ConnectionString { get; }

    /// <summary>The <c>PRAGMA synchronous</c> mode of every connection to this file.</summary>
    public string Synchronous { get; }

    /// <summary>
    /// The connection string of a SQLite component: metadata <c>connectionString</c> (a full connection string when
    /// it contains <c>=</c>, else a file path), default <c>{dataDirectory}/{componentName}.db</c>. The folder is created.
    /// </summary>
    public static SqliteSession For(ComponentDefinition definition, ComponentContext context)
    {
        var configured = definition.Get("connectionString");
        var builder = configured is { Length: > 0 } && configured.Contains('=', StringComparison.Ordinal)
            ? new SqliteConnectionStringBuilder(configured)
            : new SqliteConnectionStringBuilder { DataSource = Path.GetFullPath(configured is { Length: > 0 } ? configured : Path.Combine(context.DataDirectory, definition.Name + ".db")) };
        if (builder.DataSource != ":memory:" && !string.IsNullOrEmpty(builder.DataSource))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(builder.DataSource))!);
        }
        var synchronous = (definition.Get("synchronous") is { Length: > 0 } mode ? mode : "FULL").ToUpperInvariant();
        if (synchronous is not ("OFF" or "NORMAL" or "FULL" or "EXTRA"))
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"component '{definition.Name}' metadata 'synchronous' must be OFF, NORMAL, FULL or EXTRA, got '{synchronous}'");
        }
        try
        {
            return new SqliteSession(builder.ToString(), synchronous);
        }
        catch (SqliteException e)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"component '{definition.Name}' ({definition.Type}) cannot open SQLite database '{builder.DataSource}': {e.Message}", e);
        }
    }

    /// <summary>Opens a connection with the pragmas every component connection uses (WAL, busy timeout, synchronous).</summary>
    public static SqliteConnection Open(string connectionString, string synchronous)
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var pragmas = connection.CreateCommand();
        pragmas.CommandText = $"PRAGMA journal_mode=WAL; PRAGMA busy_timeout=10000; PRAGMA synchronous={synchronous};";
        pragmas.ExecuteNonQuery();
        return connection;
    }

    /// <summary>Runs <paramref name="work"/> with the connection itself (for callers that build their own commands).</summary>
    public async Task<T> WithConnectionAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return work(_connection);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Runs statements outside a transaction (schema creation, single reads).</summary>
    public Task<T> RunAsync<T>(Func<Statements, T> work, CancellationToken cancellationToken) =>
        WithConnectionAsync(_ => work(new Statements(this, null)), cancellationToken);

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
                Command("PRAGMA synchronous=NORMAL", null, []).ExecuteNonQuery();
            }
            using var transaction = _connection.BeginTransaction(deferred: false);
            var result = work(new Statements(this, transaction));
            transaction.Commit();
            return result;
        }
        finally
        {
            if (relaxed)
            {
                Command("PRAGMA synchronous=" + Synchronous, null, []).ExecuteNonQuery();
            }
            _gate.Release();
        }
    }

    /// <summary>Runs a schema script once, at creation.</summary>
    public void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Runs a schema query once, at creation: its first value, or null when it returns no row.</summary>
    public object? ExecuteScalar(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }
        _connection.Dispose();
        _gate.Dispose();
    }

    private SqliteCommand Command(string sql, SqliteTransaction? transaction, object?[] parameters)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            for (var i = 0; i < parameters.Length; i++)
            {
                command.Parameters.Add(new SqliteParameter("$p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), null));
            }
            _commands[sql] = command;
        }
        command.Transaction = transaction;
        for (var i = 0; i < parameters.Length; i++)
        {
            command.Parameters[i].Value = parameters[i] ?? DBNull.Value;
        }
        return command;
    }

    /// <summary>Statement helpers bound to the session's connection and current transaction; parameters are <c>$p0</c>, <c>$p1</c>, ...</summary>
    internal readonly struct Statements(SqliteSession session, SqliteTransaction? transaction)
    {
        public int Execute(string sql, params object?[] parameters) => session.Command(sql, transaction, parameters).ExecuteNonQuery();

        public object? Scalar(string sql, params object?[] parameters) => session.Command(sql, transaction, parameters).ExecuteScalar() is var value && value is DBNull ? null : value;

        /// <summary>The first row of the result, or null when there is none.</summary>
        public T? QueryFirst<T>(string sql, Func<SqliteDataReader, T> row, params object?[] parameters)
            where T : class
        {
            using var reader = session.Command(sql, transaction, parameters).ExecuteReader();
            return reader.Read() ? row(reader) : null;
        }

        public List<T> Query<T>(string sql, Func<SqliteDataReader, T> row, params object?[] parameters)
        {
            using var reader = session.Command(sql, transaction, parameters).ExecuteReader();
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
