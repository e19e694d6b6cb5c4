using Vtx.Protocol;

namespace Vtx.Host.Ports;

/// <summary>
/// The database port of the VTX host: the plugins' <c>sql</c> import plus the host's
/// per-plugin bookkeeping (schema version and owned tables, as vtx-core's
/// <c>sys_plugin_versions</c>/<c>sys_plugin_resources</c>). The runtime server wires it to its
/// database component; <see cref="Sqlite.SqliteVtxDatabase"/> is the standalone implementation.
/// Implementations must be thread-safe.
/// </summary>
public interface IVtxDatabase : ISql
{
    /// <summary>
    /// <c>sql.query-json</c> for the Restricted policy (during <c>authenticate</c>): a statement
    /// that would write answers <c>err("Permission Denied")</c> without running.
    /// </summary>
    /// <param name="statement">One SQL statement with positional parameters.</param>
    /// <param name="parameters">Values for the parameters, in order.</param>
    /// <returns>As <see cref="ISql.QueryJson"/>.</returns>
    WitResult<string, string> QueryJsonReadOnly(string statement, IReadOnlyList<DbValue> parameters);

    /// <summary>
    /// Applies the migrations after the plugin's stored version, in one transaction, then records
    /// <paramref name="resources"/> as its tables and the version as <c>migrations.Count</c>.
    /// </summary>
    /// <param name="pluginId">The manifest id.</param>
    /// <param name="migrations">The full, append-only list from <c>get-migrations</c>; index = version.</param>
    /// <param name="resources">Table names from <c>get-resources</c>.</param>
    /// <returns>How many migrations ran now (0 when up to date).</returns>
    /// <exception cref="VtxPluginException"><see cref="VtxErrorCode.MigrationFailed"/>: a statement failed or the list is shorter than the stored version; nothing was changed.</exception>
    int ApplyMigrations(string pluginId, IReadOnlyList<string> migrations, IReadOnlyList<string> resources);

    /// <summary>
    /// Locks a plugin id to where it is installed from (vtx-core's <c>sys_plugin_installations</c>): the first load
    /// records <paramref name="installedFrom"/>; a later load of the same id from anywhere else is refused, so another
    /// file cannot take over an installed plugin's tables and data. <see cref="Uninstall"/> releases the lock.
    /// </summary>
    /// <param name="pluginId">The manifest id.</param>
    /// <param name="installedFrom">The plugin's file name (or the name of an in-process plugin).</param>
    /// <exception cref="VtxPluginException"><see cref="VtxErrorCode.Conflict"/>: the id is installed from elsewhere; nothing was changed.</exception>
    void VerifyInstallation(string pluginId, string installedFrom);

    /// <summary>The plugin's stored schema version (number of migrations applied), 0 when unknown.</summary>
    /// <param name="pluginId">The manifest id.</param>
    /// <returns>The version.</returns>
    int GetSchemaVersion(string pluginId);

    /// <summary>Forgets a plugin: drops its recorded tables unless <paramref name="keepData"/>, and deletes its bookkeeping and installation lock.</summary>
    /// <param name="pluginId">The manifest id.</param>
    /// <param name="keepData"><see langword="true"/> to keep its tables and rows.</param>
    void Uninstall(string pluginId, bool keepData);
}
