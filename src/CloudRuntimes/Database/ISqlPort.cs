using System.Buffers;

namespace CloudRuntimes.Database;

/// <summary>
/// Synchronous, statement-level SQL on a database component, for a host that runs SQL from a synchronous callback on
/// behalf of code it does not trust — the VTX plugin host's <c>sql</c> import (<c>vtx:api/sql</c>: <c>execute</c>,
/// <c>query-json</c>) and its bookkeeping. Every call goes through the component's one SQL guard: one statement per
/// call, positional parameters bound by index (<c>?</c>, <c>?NNN</c>, <c>:name</c>, <c>$name</c> alike, their count
/// checked), no attached files, extensions or connection-changing <c>PRAGMA</c>s, the reserved tables
/// (<see cref="ReservedTablePrefix"/>) only for <see cref="SqlCallOptions.Trusted"/> calls, a statement deadline and a
/// result size limit enforced while rows stream. A database component offers it besides <see cref="IDatabase"/> when
/// its engine can (<c>database.sqlite</c> does). Implementations are thread-safe.
/// </summary>
public interface ISqlPort
{
    /// <summary>Names starting with this prefix are the host's reserved tables (<c>sys_plugin_</c>): untrusted calls may not read, write, create or drop them.</summary>
    const string ReservedTablePrefix = "sys_plugin_";

    /// <summary>Runs one statement that returns no rows.</summary>
    /// <param name="sql">One SQL statement.</param>
    /// <param name="parameters">Positional values: null, <see cref="long"/>, <see cref="double"/>, <see cref="string"/> or <c>byte[]</c>.</param>
    /// <param name="options">Trust and read-only mode.</param>
    /// <param name="cancellationToken">Interrupts the statement (e.g. the caller's request deadline), besides the component's own statement deadline.</param>
    /// <returns>Rows changed (<c>sqlite3_changes</c> of this statement).</returns>
    /// <exception cref="CloudRuntimesException">
    /// <see cref="CloudRuntimesErrors.MalformedRequest"/> (empty, several statements, wrong parameter count, rows returned),
    /// <see cref="CloudRuntimesErrors.DatabaseForbidden"/> (refused by the guard), <see cref="CloudRuntimesErrors.DatabaseTimeout"/>
    /// (deadline or cancellation) or <see cref="CloudRuntimesErrors.Database"/> (the engine's error); the message is the engine's text
    /// or the guard's reason, with no prefix. Nothing of a failed statement is kept.
    /// </exception>
    long Execute(string sql, IReadOnlyList<object?> parameters, SqlCallOptions options, CancellationToken cancellationToken);

    /// <summary>
    /// Runs one query and writes its rows to <paramref name="output"/> as vtx-core's <c>query-json</c> prints them (a JSON
    /// array of objects as <c>serde_json</c> writes them: keys in UTF-8 byte order, the last of equal column names kept,
    /// BLOB as <c>"&lt;BLOB&gt;"</c>).
    /// </summary>
    /// <param name="sql">One SQL statement.</param>
    /// <param name="parameters">Positional values, as for <see cref="Execute"/>.</param>
    /// <param name="output">Receives UTF-8 JSON, row by row; on failure it may hold part of the text.</param>
    /// <param name="options">Trust and read-only mode.</param>
    /// <param name="cancellationToken">Interrupts the query.</param>
    /// <exception cref="CloudRuntimesException">As <see cref="Execute"/>, plus <see cref="CloudRuntimesErrors.DatabaseResultTooLarge"/> when the text would pass the component's result limit.</exception>
    void QueryJson(string sql, IReadOnlyList<object?> parameters, IBufferWriter<byte> output, SqlCallOptions options, CancellationToken cancellationToken);

    /// <summary>Starts a write transaction on a connection of its own; disposing it without <see cref="ISqlPortTransaction.Commit"/> rolls back.</summary>
    /// <returns>The transaction.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.Database"/>: the transaction cannot start (the file is locked past the deadline).</exception>
    ISqlPortTransaction BeginTransaction();
}

/// <summary>A transaction of an <see cref="ISqlPort"/>: its statements see each other's changes; nothing is visible elsewhere until <see cref="Commit"/>.</summary>
public interface ISqlPortTransaction : IDisposable
{
    /// <inheritdoc cref="ISqlPort.Execute"/>
    long Execute(string sql, IReadOnlyList<object?> parameters, SqlCallOptions options, CancellationToken cancellationToken);

    /// <inheritdoc cref="ISqlPort.QueryJson"/>
    void QueryJson(string sql, IReadOnlyList<object?> parameters, IBufferWriter<byte> output, SqlCallOptions options, CancellationToken cancellationToken);

    /// <summary>Commits.</summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.Database"/>: the commit failed and nothing was kept.</exception>
    void Commit();
}

/// <summary>How far an <see cref="ISqlPort"/> call is trusted.</summary>
/// <param name="Trusted">True for the host's own statements (fixed SQL of its bookkeeping), which may use the reserved tables; false for SQL written by someone else (a plugin, its migrations).</param>
/// <param name="ReadOnly">True to refuse any statement that would write (<c>sqlite3_stmt_readonly</c>), with the message <c>Permission Denied</c>.</param>
public sealed record SqlCallOptions(bool Trusted = false, bool ReadOnly = false)
{
    /// <summary>SQL written by someone the host does not trust, read and write.</summary>
    public static SqlCallOptions Untrusted { get; } = new();

    /// <summary>The host's own statements.</summary>
    public static SqlCallOptions Host { get; } = new(Trusted: true);
}
