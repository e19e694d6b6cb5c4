using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CloudRuntimes;
using CloudRuntimes.Database;
using Vtx.Protocol;

namespace Vtx.Host.Ports;

/// <summary>
/// <see cref="IVtxDatabase"/> on a database component's <see cref="ISqlPort"/>, with vtx-core's semantics: parameters
/// bind by position (<c>?</c>, <c>?N</c>, <c>:name</c>, <c>$name</c> alike), their count must match, one statement per
/// call, <c>execute</c> errors read <c>"SQL Error: …"</c>, <c>query-json</c> rows are JSON objects as serde_json prints
/// them. The port's guard applies to every plugin statement and migration (no attached files, extensions,
/// connection-changing <c>PRAGMA</c>s, transactions, temporary objects or <c>sys_plugin_*</c> tables), with the port's
/// statement deadline and result limit and the call's own deadline. Bookkeeping lives in <c>sys_plugin_versions</c>,
/// <c>sys_plugin_resources</c> and <c>sys_plugin_installations</c>, which only the host's statements touch.
/// </summary>
public sealed class SqlPortDatabase : IVtxDatabase
{
    private const string Denied = "Permission Denied";
    private readonly ISqlPort _port;

    /// <summary>Creates the bookkeeping tables when missing.</summary>
    /// <param name="port">The database component's SQL port.</param>
    /// <exception cref="CloudRuntimesException">The tables cannot be created.</exception>
    public SqlPortDatabase(ISqlPort port)
    {
        _port = port ?? throw new ArgumentNullException(nameof(port));
        foreach (var table in new[]
        {
            "CREATE TABLE IF NOT EXISTS sys_plugin_versions(plugin_name TEXT PRIMARY KEY, version INTEGER NOT NULL, updated_at TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS sys_plugin_resources(plugin_name TEXT NOT NULL, resource_type TEXT NOT NULL, resource_name TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS sys_plugin_installations(plugin_name TEXT PRIMARY KEY, installed_from TEXT NOT NULL, installed_at TEXT NOT NULL)",
        })
        {
            _port.Execute(table, [], SqlCallOptions.Host, CancellationToken.None);
        }
    }

    /// <inheritdoc/>
    public ISql ForCall(CancellationToken deadline, bool restricted = false) => new CallSql(_port, restricted, deadline);

    /// <inheritdoc/>
    public int ApplyMigrations(string pluginId, IReadOnlyList<string> migrations, IReadOnlyList<string> resources, CancellationToken deadline)
    {
        ArgumentNullException.ThrowIfNull(migrations);
        ArgumentNullException.ThrowIfNull(resources);
        using var transaction = _port.BeginTransaction();
        var current = ReadVersion(transaction, pluginId);
        if (migrations.Count < current)
        {
            throw new VtxPluginException(VtxErrorCode.MigrationFailed,
                $"Plugin '{pluginId}' lists {migrations.Count} migrations but version {current} is already applied; migrations are append-only.", pluginId);
        }

        for (var i = current; i < migrations.Count; i++)
        {
            try
            {
                transaction.Execute(migrations[i], [], SqlCallOptions.Untrusted, deadline);
            }
            catch (CloudRuntimesException ex)
            {
                throw new VtxPluginException(VtxErrorCode.MigrationFailed,
                    $"Plugin '{pluginId}' migration {i + 1} of {migrations.Count} failed: {ex.Message}; no migration was applied.", pluginId, ex);
            }
        }

        transaction.Execute("DELETE FROM sys_plugin_resources WHERE plugin_name = ?", [pluginId], SqlCallOptions.Host, CancellationToken.None);
        foreach (var resource in resources)
        {
            transaction.Execute("INSERT INTO sys_plugin_resources(plugin_name, resource_type, resource_name) VALUES (?, 'TABLE', ?)", [pluginId, resource], SqlCallOptions.Host, CancellationToken.None);
        }

        transaction.Execute("""
            INSERT INTO sys_plugin_versions(plugin_name, version, updated_at) VALUES (?, ?, ?)
            ON CONFLICT(plugin_name) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at
            """, [pluginId, (long)migrations.Count, Now()], SqlCallOptions.Host, CancellationToken.None);
        transaction.Commit();
        return migrations.Count - current;
    }

    /// <inheritdoc/>
    public void VerifyInstallation(string pluginId, string installedFrom)
    {
        using var transaction = _port.BeginTransaction();
        transaction.Execute("INSERT OR IGNORE INTO sys_plugin_installations(plugin_name, installed_from, installed_at) VALUES (?, ?, ?)",
            [pluginId, installedFrom, Now()], SqlCallOptions.Host, CancellationToken.None);
        var recorded = Rows(transaction, "SELECT installed_from FROM sys_plugin_installations WHERE plugin_name = ?", pluginId)[0].GetProperty("installed_from").GetString();
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
        using var transaction = _port.BeginTransaction();
        return ReadVersion(transaction, pluginId);
    }

    /// <inheritdoc/>
    public void Uninstall(string pluginId, bool keepData)
    {
        using var transaction = _port.BeginTransaction();
        if (!keepData)
        {
            foreach (var row in Rows(transaction, "SELECT resource_name FROM sys_plugin_resources WHERE plugin_name = ? AND resource_type = 'TABLE'", pluginId))
            {
                var table = row.GetProperty("resource_name").GetString()!;
                transaction.Execute($"DROP TABLE IF EXISTS \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", [], SqlCallOptions.Untrusted, CancellationToken.None);
            }
        }

        foreach (var bookkeeping in new[] { "sys_plugin_resources", "sys_plugin_versions", "sys_plugin_installations" })
        {
            transaction.Execute($"DELETE FROM {bookkeeping} WHERE plugin_name = ?", [pluginId], SqlCallOptions.Host, CancellationToken.None);
        }

        transaction.Commit();
    }

    private static int ReadVersion(ISqlPortTransaction transaction, string pluginId) =>
        Rows(transaction, "SELECT version FROM sys_plugin_versions WHERE plugin_name = ?", pluginId) is [var row, ..] ? row.GetProperty("version").GetInt32() : 0;

    private static JsonElement[] Rows(ISqlPortTransaction transaction, string sql, string pluginId)
    {
        var json = new ArrayBufferWriter<byte>();
        transaction.QueryJson(sql, [pluginId], json, SqlCallOptions.Host, CancellationToken.None);
        using var document = JsonDocument.Parse(json.WrittenMemory);
        return [.. document.RootElement.EnumerateArray().Select(row => row.Clone())];
    }

    private static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>
    /// The <c>sql</c> import of one call: plugin SQL under the port's guard and the call's deadline. A statement that the
    /// call's deadline interrupts ends the call as a timeout (the plugin does not run on past its deadline); any other
    /// failure, the database's own statement deadline included, is the plugin's <c>err</c> to handle.
    /// </summary>
    private sealed class CallSql(ISqlPort port, bool restricted, CancellationToken deadline) : ISql
    {
        private readonly SqlCallOptions _options = new(Trusted: false, ReadOnly: restricted);

        public WitResult<ulong, string> Execute(string statement, IReadOnlyList<DbValue> parameters)
        {
            if (restricted)
            {
                return WitResult<ulong, string>.Err(Denied);
            }

            try
            {
                return WitResult<ulong, string>.Ok((ulong)port.Execute(statement, Values(parameters), _options, deadline));
            }
            catch (CloudRuntimesException ex)
            {
                ThrowWhenPastDeadline(ex, "sql.execute");
                return WitResult<ulong, string>.Err("SQL Error: " + ex.Message);
            }
        }

        public WitResult<string, string> QueryJson(string statement, IReadOnlyList<DbValue> parameters)
        {
            var json = new ArrayBufferWriter<byte>();
            try
            {
                port.QueryJson(statement, Values(parameters), json, _options, deadline);
            }
            catch (CloudRuntimesException ex)
            {
                ThrowWhenPastDeadline(ex, "sql.query-json");
                return WitResult<string, string>.Err(ex.Message);
            }

            return WitResult<string, string>.Ok(Encoding.UTF8.GetString(json.WrittenSpan));
        }

        private void ThrowWhenPastDeadline(CloudRuntimesException ex, string import)
        {
            if (ex.Error == CloudRuntimesErrors.DatabaseTimeout && deadline.IsCancellationRequested)
            {
                throw new VtxPluginException(VtxErrorCode.Timeout, $"The plugin ran past its deadline in {import}; the statement was interrupted.", innerException: ex);
            }
        }

        private static object?[] Values(IReadOnlyList<DbValue> parameters) =>
            [.. parameters.Select(value => value switch
            {
                DbValue.Text text => (object?)text.Value,
                DbValue.Integer integer => integer.Value,
                DbValue.Real real => real.Value,
                _ => null,
            })];
    }
}
