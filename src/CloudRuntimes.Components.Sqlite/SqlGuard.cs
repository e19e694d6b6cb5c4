using System.Diagnostics;
using CloudRuntimes.Database;
using SQLitePCL;

namespace CloudRuntimes.Components.Sqlite;

/// <summary>
/// The one SQL guard of the SQLite database component, around every statement that runs on request (the database API,
/// plugins' <c>sql</c> import and migrations) from prepare to last step. It uses SQLite's own controls:
/// <list type="bullet">
/// <item><description>an authorizer (<c>sqlite3_set_authorizer</c>) refusing <c>ATTACH</c>/<c>DETACH</c> (so also
/// <c>VACUUM INTO</c>), <c>load_extension</c>, every <c>PRAGMA</c> but a read-only list, transactions and savepoints
/// and temporary objects (a call must not leave state on a pooled connection), and — unless the call is trusted — the
/// reserved tables (<see cref="ISqlPort.ReservedTablePrefix"/>);</description></item>
/// <item><description>a deadline: a progress handler (<c>sqlite3_progress_handler</c>) interrupts the statement once the
/// statement timeout has passed or the caller's token is cancelled, and waiting for a lock ends then too.</description></item>
/// </list>
/// Connection-level settings (no extensions, defensive mode, no attached files, value and SQL length limits) are made
/// once per connection by <see cref="Configure"/>.
/// </summary>
internal sealed class SqlGuard : IDisposable
{
    /// <summary>VM instructions between deadline checks.</summary>
    private const int ProgressPeriod = 1000;

    /// <summary>Pragmas that only read, whatever their argument: schema introspection.</summary>
    private static readonly HashSet<string> IntrospectionPragmas = new(StringComparer.OrdinalIgnoreCase)
    {
        "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo", "foreign_key_list", "collation_list",
    };

    /// <summary>Pragmas a statement may read but not set (without an argument they only read).</summary>
    private static readonly HashSet<string> ReadablePragmas = new(StringComparer.OrdinalIgnoreCase)
    {
        "user_version", "schema_version", "application_id", "data_version", "page_count", "page_size", "freelist_count", "encoding",
    };

    private readonly sqlite3 _db;
    private readonly long _deadline;
    private readonly CancellationToken _cancellation;
    private readonly bool _trusted;
    private readonly strdelegate_authorizer _authorizer;
    private readonly delegate_progress _progress;

    private SqlGuard(sqlite3 db, SqlCallOptions options, TimeSpan timeout, CancellationToken cancellation)
    {
        _db = db;
        _deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        _cancellation = cancellation;
        _trusted = options.Trusted;
        _authorizer = Authorize;
        _progress = Progress;
        raw.sqlite3_set_authorizer(db, _authorizer, null);
        raw.sqlite3_progress_handler(db, ProgressPeriod, _progress, null);
        // Waiting for another writer's lock ends at the deadline too.
        raw.sqlite3_busy_timeout(db, (int)Math.Clamp(timeout.TotalMilliseconds, 1, int.MaxValue));
    }

    /// <summary>Why the authorizer refused the statement; null when it did not.</summary>
    public string? Refusal { get; private set; }

    /// <summary>True once the statement has been interrupted by the deadline or the caller's token.</summary>
    public bool Interrupted { get; private set; }

    /// <summary>Guards the statements run on <paramref name="db"/> until disposed.</summary>
    /// <param name="db">The connection.</param>
    /// <param name="options">Whether the caller is trusted with the reserved tables.</param>
    /// <param name="timeout">The statement deadline, from now.</param>
    /// <param name="cancellation">The caller's token (e.g. its request deadline).</param>
    /// <returns>The guard; dispose it when the statement is finished.</returns>
    public static SqlGuard Enter(sqlite3 db, SqlCallOptions options, TimeSpan timeout, CancellationToken cancellation) =>
        new(db, options, timeout, cancellation);

    /// <summary>
    /// Sets what is set once per connection: no extension loading, defensive mode (no writable schema or other
    /// corrupting switches), no attached databases, and the longest value and SQL text.
    /// </summary>
    /// <param name="db">The connection.</param>
    /// <param name="maxValueBytes">The longest string or blob a statement may make or return (<c>SQLITE_LIMIT_LENGTH</c>).</param>
    public static void Configure(sqlite3 db, long maxValueBytes)
    {
        raw.sqlite3_db_config(db, raw.SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, out _);
        raw.sqlite3_db_config(db, raw.SQLITE_DBCONFIG_DEFENSIVE, 1, out _);
        raw.sqlite3_db_config(db, raw.SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, out _);
        raw.sqlite3_limit(db, raw.SQLITE_LIMIT_ATTACHED, 0);
        raw.sqlite3_limit(db, raw.SQLITE_LIMIT_LENGTH, (int)Math.Clamp(maxValueBytes, 1024, int.MaxValue));
        raw.sqlite3_limit(db, raw.SQLITE_LIMIT_SQL_LENGTH, 4 * 1024 * 1024);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        raw.sqlite3_set_authorizer(_db, (strdelegate_authorizer)null!, null);
        raw.sqlite3_progress_handler(_db, 0, null, null);
    }

    private int Progress(object userData)
    {
        if (Stopwatch.GetTimestamp() < _deadline && !_cancellation.IsCancellationRequested)
        {
            return 0;
        }
        Interrupted = true;
        return 1;
    }

    private int Authorize(object userData, int action, string first, string second, string database, string trigger)
    {
        var refusal = action switch
        {
            raw.SQLITE_ATTACH or raw.SQLITE_DETACH => "attaching or detaching databases is not allowed",
            raw.SQLITE_PRAGMA when !IntrospectionPragmas.Contains(first) && (second is not null || !ReadablePragmas.Contains(first)) => $"PRAGMA {first} is not allowed",
            raw.SQLITE_FUNCTION when string.Equals(second, "load_extension", StringComparison.OrdinalIgnoreCase) => "loading extensions is not allowed",
            raw.SQLITE_TRANSACTION or raw.SQLITE_SAVEPOINT => "transaction statements are not allowed here",
            raw.SQLITE_CREATE_TEMP_INDEX or raw.SQLITE_CREATE_TEMP_TABLE or raw.SQLITE_CREATE_TEMP_TRIGGER or raw.SQLITE_CREATE_TEMP_VIEW => "temporary objects are not allowed",
            _ when !_trusted && (IsReserved(first) || IsReserved(second)) => $"table {(IsReserved(first) ? first : second)} is reserved for the host",
            _ => null,
        };
        if (refusal is null)
        {
            return raw.SQLITE_OK;
        }
        Refusal ??= refusal;
        return raw.SQLITE_DENY;
    }

    private static bool IsReserved(string? name) => name is not null && name.StartsWith(ISqlPort.ReservedTablePrefix, StringComparison.OrdinalIgnoreCase);
}
