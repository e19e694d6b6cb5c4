namespace Vtx.Protocol;

/// <summary>Import interface <c>sql</c> of world <c>plugin</c>: the host's SQL database.</summary>
public interface ISql
{
    /// <summary>Function <c>sql.execute</c>: runs one statement that returns no rows.</summary>
    /// <param name="statement">One SQL statement; <c>?</c>, <c>?N</c>, <c>:name</c>, <c>$name</c> parameters bind by position.</param>
    /// <param name="parameters">Values for the parameters, in order; the count must match.</param>
    /// <returns><c>ok(rows changed)</c> or <c>err(message)</c>, e.g. <c>"SQL Error: no such table: x"</c> or <c>"Permission Denied"</c>.</returns>
    WitResult<ulong, string> Execute(string statement, IReadOnlyList<DbValue> parameters);

    /// <summary>Function <c>sql.query-json</c>: runs a query.</summary>
    /// <param name="statement">One SQL statement with positional parameters.</param>
    /// <param name="parameters">Values for the parameters, in order.</param>
    /// <returns>
    /// <c>ok(json)</c> with a JSON array of one object per row, as vtx-core's serde_json prints it (keys = column
    /// names in UTF-8 byte order, the last of duplicate names winning; INTEGER and REAL as numbers, non-finite as
    /// <c>null</c>, TEXT as strings, BLOB as <c>"&lt;BLOB&gt;"</c>), or <c>err(message)</c>.
    /// </returns>
    WitResult<string, string> QueryJson(string statement, IReadOnlyList<DbValue> parameters);
}
