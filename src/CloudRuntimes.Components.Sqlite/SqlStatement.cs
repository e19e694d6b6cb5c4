using System.Buffers;
using CloudRuntimes.Components.Database;
using CloudRuntimes.Database;
using SQLitePCL;

namespace CloudRuntimes.Components.Sqlite;

/// <summary>
/// One SQL statement on a connection, under the <see cref="SqlGuard"/>: prepared alone (a second statement, or none,
/// is refused), its parameters bound by index — SQLite numbers <c>?</c>, <c>?NNN</c>, <c>:name</c> and <c>$name</c>
/// itself — after checking their count, then stepped. The one parameter binder and statement runner of the SQLite
/// database component, for its HTTP API and its <see cref="ISqlPort"/> alike. Failures are
/// <see cref="CloudRuntimesException"/>s whose message is the engine's text or the guard's reason.
/// </summary>
internal sealed class SqlStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly SqlGuard _guard;
    private readonly TimeSpan _timeout;

    private SqlStatement(sqlite3 db, sqlite3_stmt statement, SqlGuard guard, TimeSpan timeout)
    {
        _db = db;
        _statement = statement;
        _guard = guard;
        _timeout = timeout;
    }

    /// <summary>Prepares and binds a statement under a new guard (disposed with the statement).</summary>
    /// <exception cref="CloudRuntimesException">The statement is empty, is several, has the wrong number of parameters, an unsupported parameter type, is refused by the guard, writes while <see cref="SqlCallOptions.ReadOnly"/>, or does not compile.</exception>
    public static SqlStatement Prepare(sqlite3 db, string sql, IReadOnlyList<object?> parameters, SqlCallOptions options, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sql);
        ArgumentNullException.ThrowIfNull(parameters);
        var guard = SqlGuard.Enter(db, options, timeout, cancellationToken);
        sqlite3_stmt? statement = null;
        try
        {
            if (raw.sqlite3_prepare_v2(db, sql, out statement, out var tail) != raw.SQLITE_OK)
            {
                throw guard.Refusal is { } refusal
                    ? new CloudRuntimesException(CloudRuntimesErrors.DatabaseForbidden, refusal)
                    : new CloudRuntimesException(CloudRuntimesErrors.Database, raw.sqlite3_errmsg(db).utf8_to_string());
            }
            if (statement.IsInvalid)
            {
                throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, "The statement is empty");
            }
            if (!string.IsNullOrWhiteSpace(tail))
            {
                throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, "Multiple statements provided");
            }
            if (options.ReadOnly && raw.sqlite3_stmt_readonly(statement) == 0)
            {
                throw new CloudRuntimesException(CloudRuntimesErrors.DatabaseForbidden, "Permission Denied");
            }
            Bind(db, statement, parameters);
            return new SqlStatement(db, statement, guard, timeout);
        }
        catch
        {
            statement?.Dispose();
            guard.Dispose();
            throw;
        }
    }

    /// <summary>True when the statement cannot write to the database (<c>sqlite3_stmt_readonly</c>).</summary>
    public bool IsReadOnly => raw.sqlite3_stmt_readonly(_statement) != 0;

    /// <summary>Runs a statement that returns no rows.</summary>
    /// <returns>Rows changed by this statement alone.</returns>
    /// <exception cref="CloudRuntimesException">The statement returned rows, or failed.</exception>
    public long Execute()
    {
        var before = raw.sqlite3_total_changes(_db);
        var rc = raw.sqlite3_step(_statement);
        return rc switch
        {
            raw.SQLITE_DONE => raw.sqlite3_total_changes(_db) - before,
            raw.SQLITE_ROW => throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, "Execute returned results - did you mean to call query?"),
            _ => throw Failure(rc),
        };
    }

    /// <summary>Writes the rows as vtx-core's <c>query-json</c> prints them, stopping once the text passes <paramref name="maxBytes"/>.</summary>
    /// <exception cref="CloudRuntimesException">The statement failed, or <see cref="CloudRuntimesErrors.DatabaseResultTooLarge"/>.</exception>
    public void WriteJson(IBufferWriter<byte> output, long maxBytes)
    {
        var counted = new CountingWriter(output);
        var rows = new RowJsonWriter(_statement, counted);
        rows.WriteStart();
        int rc;
        while ((rc = raw.sqlite3_step(_statement)) == raw.SQLITE_ROW)
        {
            rows.WriteRow();
            if (counted.Written > maxBytes)
            {
                throw TooLarge(maxBytes);
            }
        }
        if (rc != raw.SQLITE_DONE)
        {
            throw Failure(rc);
        }
        rows.WriteEnd();
    }

    /// <summary>Reads the rows as column-name → value maps (long, double, string, byte[] or null; the last of equal names kept), stopping once their size passes <paramref name="maxBytes"/>.</summary>
    /// <exception cref="CloudRuntimesException">The statement failed, or <see cref="CloudRuntimesErrors.DatabaseResultTooLarge"/>.</exception>
    public List<IReadOnlyDictionary<string, object?>> ReadRows(long maxBytes)
    {
        var columns = new string[raw.sqlite3_column_count(_statement)];
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = raw.sqlite3_column_name(_statement, i).utf8_to_string();
        }
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        long size = 0;
        int rc;
        while ((rc = raw.sqlite3_step(_statement)) == raw.SQLITE_ROW)
        {
            var row = new Dictionary<string, object?>(columns.Length, StringComparer.Ordinal);
            for (var i = 0; i < columns.Length; i++)
            {
                var value = Value(i);
                row[columns[i]] = value;
                size += ResultSize.OfCell(columns[i], value);
            }
            if (size > maxBytes)
            {
                throw TooLarge(maxBytes);
            }
            rows.Add(row);
        }
        return rc == raw.SQLITE_DONE ? rows : throw Failure(rc);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _statement.Dispose();
        _guard.Dispose();
    }

    private object? Value(int column) => raw.sqlite3_column_type(_statement, column) switch
    {
        raw.SQLITE_INTEGER => raw.sqlite3_column_int64(_statement, column),
        raw.SQLITE_FLOAT => raw.sqlite3_column_double(_statement, column),
        raw.SQLITE_TEXT => raw.sqlite3_column_text(_statement, column).utf8_to_string(),
        raw.SQLITE_BLOB => raw.sqlite3_column_blob(_statement, column).ToArray(),
        _ => null,
    };

    /// <summary>The failure of a step: interrupted by the deadline, refused by the guard while running (<c>VACUUM INTO</c> attaches as it runs), or the engine's error.</summary>
    private CloudRuntimesException Failure(int rc) =>
        rc == raw.SQLITE_INTERRUPT && _guard.Interrupted
            ? new CloudRuntimesException(CloudRuntimesErrors.DatabaseTimeout, $"the statement was interrupted: it ran past its deadline ({_timeout.TotalSeconds:0.###} s) or its caller stopped waiting")
            : _guard.Refusal is { } refusal
                ? new CloudRuntimesException(CloudRuntimesErrors.DatabaseForbidden, refusal)
                : new CloudRuntimesException(CloudRuntimesErrors.Database, raw.sqlite3_errmsg(_db).utf8_to_string());

    private static CloudRuntimesException TooLarge(long maxBytes) =>
        new(CloudRuntimesErrors.DatabaseResultTooLarge, $"the result is larger than the limit of {maxBytes} bytes; the query was stopped");

    private static void Bind(sqlite3 db, sqlite3_stmt statement, IReadOnlyList<object?> parameters)
    {
        var needed = raw.sqlite3_bind_parameter_count(statement);
        if (needed != parameters.Count)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"Wrong number of parameters passed to query. Got {parameters.Count}, needed {needed}");
        }
        for (var i = 0; i < parameters.Count; i++)
        {
            var rc = parameters[i] switch
            {
                null => raw.sqlite3_bind_null(statement, i + 1),
                bool flag => raw.sqlite3_bind_int64(statement, i + 1, flag ? 1 : 0),
                int number => raw.sqlite3_bind_int64(statement, i + 1, number),
                long number => raw.sqlite3_bind_int64(statement, i + 1, number),
                float number => raw.sqlite3_bind_double(statement, i + 1, number),
                double number => raw.sqlite3_bind_double(statement, i + 1, number),
                string text => raw.sqlite3_bind_text(statement, i + 1, text),
                byte[] bytes => raw.sqlite3_bind_blob(statement, i + 1, bytes),
                var other => throw new CloudRuntimesException(CloudRuntimesErrors.Database, $"parameter {i + 1} has unsupported type {other.GetType().Name}; use null, bool, long, double, string or byte[]"),
            };
            if (rc != raw.SQLITE_OK)
            {
                throw new CloudRuntimesException(CloudRuntimesErrors.Database, raw.sqlite3_errmsg(db).utf8_to_string());
            }
        }
    }

    /// <summary>Counts the bytes written through it.</summary>
    private sealed class CountingWriter(IBufferWriter<byte> inner) : IBufferWriter<byte>
    {
        public long Written { get; private set; }

        public void Advance(int count)
        {
            Written += count;
            inner.Advance(count);
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);
    }
}
