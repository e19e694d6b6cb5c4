using Microsoft.Data.Sqlite;

namespace CloudRuntimes.Components.Sqlite;

/// <summary>
/// The SQLite file of a component: metadata <c>connectionString</c> (a full Microsoft.Data.Sqlite connection string
/// when it contains <c>=</c>, else a file path), default <c>{dataDirectory}/{componentName}.db</c>, and
/// <c>synchronous</c> (SQLite's <c>PRAGMA synchronous</c>: OFF, NORMAL, FULL (default) or EXTRA).
/// </summary>
/// <param name="ConnectionString">The connection string (pooled connections).</param>
/// <param name="Synchronous">The <c>PRAGMA synchronous</c> mode of every connection to the file.</param>
internal sealed record SqliteFile(string ConnectionString, string Synchronous)
{
    /// <summary>The file of a component; its folder is created.</summary>
    /// <exception cref="CloudRuntimesException">The <c>synchronous</c> metadata is not one of SQLite's modes.</exception>
    public static SqliteFile For(ComponentDefinition definition, ComponentContext context)
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
            throw definition.Invalid($"component '{definition.Name}' metadata 'synchronous' must be OFF, NORMAL, FULL or EXTRA, got '{synchronous}'");
        }
        return new SqliteFile(builder.ToString(), synchronous);
    }

    /// <summary>The data source (file path) of the connection string.</summary>
    public string DataSource => new SqliteConnectionStringBuilder(ConnectionString).DataSource;

    /// <summary>The error of a file that cannot be opened, naming the component and the file.</summary>
    public CloudRuntimesException CannotOpen(ComponentDefinition definition, SqliteException e) =>
        definition.Invalid($"component '{definition.Name}' ({definition.Type}) cannot open SQLite database '{DataSource}': {e.Message}", e);
}
