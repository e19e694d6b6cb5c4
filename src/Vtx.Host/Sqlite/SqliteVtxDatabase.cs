using System.Buffers;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Vtx.Host.Ports;
using Vtx.Protocol;

namespace Vtx.Host.Sqlite;

/// <summary>
/// <see cref="IVtxDatabase"/> on one SQLite file (WAL mode), with vtx-core's semantics:
/// parameters bind by position (<c>?</c>, <c>?N</c>, <c>:name</c>, <c>$name</c> alike), the count
/// must match, one statement per call, <c>execute</c> errors read <c>"SQL Error: …"</c>, and
/// <c>query-json</c> rows are JSON objects printed as serde_json prints them (see <see cref="RowJsonWriter"/>:
/// keys in UTF-8 byte order, the last of duplicate column names wins, BLOB as <c>"&lt;BLOB&gt;"</c>, non-finite
/// REAL as <c>null</c>). Bookkeeping lives in
/// <c>sys_plugin_versions</c>, <c>sys_plugin_resources</c> and <c>sys_plugin_installations</c>. Thread-safe (a pooled connection per call).
/// </summary>
public sealed class SqliteVtxDatabase : IVtxDatabase
{
    private readonly string _connectionString;

    /// <summary>Opens (creating if needed) the database file and its bookkeeping tables.</summary>
    /// <param name="path">The SQLite file, e.g. <c>vtx.db</c>.</param>
    public SqliteVtxDatabase(string path)
    {
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS sys_plugin_versions(plugin_name TEXT PRIMARY KEY, version INTEGER NOT NULL, updated_at TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS sys_plugin_resources(plugin_name TEXT NOT NULL, resource_type TEXT NOT NULL, resource_name TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS sys_plugin_installations(plugin_name TEXT PRIMARY KEY, installed_from TEXT NOT NULL, installed_at TEXT NOT NULL);
            """;
        command.ExecuteNonQuery();
    }

    /// <inheritdoc/>
    public WitResult<ulong, string> Execute(string statement, IReadOnlyList<DbValue> parameters)
    {
        using var connection = Open();
        var db = connection.Handle!;
        if (Prepare(db, statement, parameters, out var error) is not { } prepared)
        {
            return WitResult<ulong, string>.Err("SQL Error: " + error);
        }

        using var stmt = prepared;
        var rc = raw.sqlite3_step(stmt);
        return rc switch
        {
            raw.SQLITE_DONE => WitResult<ulong, string>.Ok((ulong)raw.sqlite3_changes(db)),
            raw.SQLITE_ROW => WitResult<ulong, string>.Err("SQL Error: Execute returned results - did you mean to call query?"),
            _ => WitResult<ulong, string>.Err("SQL Error: " + raw.sqlite3_errmsg(db).utf8_to_string()),
        };
    }

    /// <inheritdoc/>
    public WitResult<string, string> QueryJson(string statement, IReadOnlyList<DbValue> parameters) =>
        QueryJson(statement, parameters, readOnly: false);

    /// <inheritdoc/>
    public WitResult<string, string> QueryJsonReadOnly(string statement, IReadOnlyList<DbValue> parameters) =>
        QueryJson(statement, parameters, readOnly: true);

    private WitResult<string, string> QueryJson(string statement, IReadOnlyList<DbValue> parameters, bool readOnly)
    {
        using var connection = Open();
        var db = connection.Handle!;
        if (Prepare(db, statement, parameters, out var error) is not { } prepared)
        {
            return WitResult<string, string>.Err(error);
        }

        using var stmt = prepared;
        if (readOnly && raw.sqlite3_stmt_readonly(stmt) == 0)
        {
            return WitResult<string, string>.Err("Permission Denied");
        }

        var json = new ArrayBufferWriter<byte>();
        var rows = new RowJsonWriter(stmt, json);
        rows.WriteStart();
        int rc;
        while ((rc = raw.sqlite3_step(stmt)) == raw.SQLITE_ROW)
        {
            rows.WriteRow();
        }

        if (rc != raw.SQLITE_DONE)
        {
            return WitResult<string, string>.Err(raw.sqlite3_errmsg(db).utf8_to_string());
        }

        rows.WriteEnd();
        return WitResult<string, string>.Ok(Encoding.UTF8.GetString(json.WrittenSpan));
    }

    /// <inheritdoc/>
    public int ApplyMigrations(string pluginId, IReadOnlyList<string> migrations, IReadOnlyList<string> resources)
    {
        ArgumentNullException.ThrowIfNull(migrations);
        ArgumentNullException.ThrowIfNull(resources);
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        var current = ReadVersion(connection, pluginId, transaction);
        if (migrations.Count < current)
        {
            throw new VtxPluginException(VtxErrorCode.MigrationFailed,
                $"Plugin '{pluginId}' lists {migrations.Count} migrations but version {current} is already applied; migrations are append-only.", pluginId);
        }

        for (var i = current; i < migrations.Count; i++)
        {
            try
            {
                Run(transaction, migrations[i]);
            }
            catch (SqliteException ex)
            {
                throw new VtxPluginException(VtxErrorCode.MigrationFailed,
                    $"Plugin '{pluginId}' migration {i + 1} of {migrations.Count} failed: {ex.Message}; no migration was applied.", pluginId, ex);
            }
        }

        Run(transaction, "DELETE FROM sys_plugin_resources WHERE plugin_name = $id", ("$id", pluginId));
        foreach (var resource in resources)
        {
            Run(transaction, "INSERT INTO sys_plugin_resources(plugin_name, resource_type, resource_name) VALUES ($id, 'TABLE', $name)", ("$id", pluginId), ("$name", resource));
        }

        Run(transaction, """
            INSERT INTO sys_plugin_versions(plugin_name, version, updated_at) VALUES ($id, $version, $now)
            ON CONFLICT(plugin_name) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at
            """, ("$id", pluginId), ("$version", migrations.Count), ("$now", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)));
        transaction.Commit();
        return migrations.Count - current;
    }

    /// <inheritdoc/>
    public void VerifyInstallation(string pluginId, string installedFrom)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        Run(transaction, "INSERT OR IGNORE INTO sys_plugin_installations(plugin_name, installed_from, installed_at) VALUES ($id, $from, $now)",
            ("$id", pluginId), ("$from", installedFrom), ("$now", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)));
        using var select = connection.CreateCommand();
        select.Transaction = transaction;
        select.CommandText = "SELECT installed_from FROM sys_plugin_installations WHERE plugin_name = $id";
        select.Parameters.AddWithValue("$id", pluginId);
        var recorded = (string)select.ExecuteScalar()!;
        if (recorded != installedFrom)
        {
            throw new VtxPluginException(VtxErrorCode.Conflict,
                $"{installedFrom}: plugin id '{pluginId}' is installed from {recorded}; uninstall it first or give this plugin another id.", pluginId);
        }

        transaction.Commit();
    }

    /// <inheritdoc/>
    public int GetSchemaVersion(string pluginId)
    {
        using var connection = Open();
        return ReadVersion(connection, pluginId);
    }

    /// <inheritdoc/>
    public void Uninstall(string pluginId, bool keepData)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        if (!keepData)
        {
            using var select = connection.CreateCommand();
            select.Transaction = transaction;
            select.CommandText = "SELECT resource_name FROM sys_plugin_resources WHERE plugin_name = $id AND resource_type = 'TABLE'";
            select.Parameters.AddWithValue("$id", pluginId);
            var tables = new List<string>();
            using (var reader = select.ExecuteReader())
            {
                while (reader.Read())
                {
                    tables.Add(reader.GetString(0));
                }
            }

            foreach (var table in tables)
            {
                Run(transaction, $"DROP TABLE IF EXISTS \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\"");
            }
        }

        Run(transaction, "DELETE FROM sys_plugin_resources WHERE plugin_name = $id", ("$id", pluginId));
        Run(transaction, "DELETE FROM sys_plugin_versions WHERE plugin_name = $id", ("$id", pluginId));
        Run(transaction, "DELETE FROM sys_plugin_installations WHERE plugin_name = $id", ("$id", pluginId));
        transaction.Commit();
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        raw.sqlite3_busy_timeout(connection.Handle, 5000);
        return connection;
    }

    /// <summary>Prepares one statement and binds the parameters by position; null and <paramref name="error"/> on failure.</summary>
    private static sqlite3_stmt? Prepare(sqlite3 db, string statement, IReadOnlyList<DbValue> parameters, out string error)
    {
        error = "";
        if (raw.sqlite3_prepare_v2(db, statement, out var stmt, out var tail) != raw.SQLITE_OK)
        {
            error = raw.sqlite3_errmsg(db).utf8_to_string();
            stmt.Dispose();
            return null;
        }

        if (!string.IsNullOrWhiteSpace(tail) || stmt.IsInvalid)
        {
            error = stmt.IsInvalid ? "The statement is empty" : "Multiple statements provided";
            stmt.Dispose();
            return null;
        }

        var needed = raw.sqlite3_bind_parameter_count(stmt);
        if (needed != parameters.Count)
        {
            error = $"Wrong number of parameters passed to query. Got {parameters.Count}, needed {needed}";
            stmt.Dispose();
            return null;
        }

        for (var i = 0; i < parameters.Count; i++)
        {
            var rc = parameters[i] switch
            {
                DbValue.Text text => raw.sqlite3_bind_text(stmt, i + 1, text.Value),
                DbValue.Integer integer => raw.sqlite3_bind_int64(stmt, i + 1, integer.Value),
                DbValue.Real real => raw.sqlite3_bind_double(stmt, i + 1, real.Value),
                _ => raw.sqlite3_bind_null(stmt, i + 1),
            };
            if (rc != raw.SQLITE_OK)
            {
                error = raw.sqlite3_errmsg(db).utf8_to_string();
                stmt.Dispose();
                return null;
            }
        }

        return stmt;
    }

    private static int ReadVersion(SqliteConnection connection, string pluginId, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT version FROM sys_plugin_versions WHERE plugin_name = $id";
        command.Parameters.AddWithValue("$id", pluginId);
        return command.ExecuteScalar() is long version ? (int)version : 0;
    }

    private static void Run(SqliteTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }
}
