using Vtx.Protocol;

namespace Vtx.Host.Ports;

/// <summary>
/// The database port of the VTX host: the plugins' <c>sql</c> import, one call's worth at a time (<see cref="ForCall"/>),
/// plus the host's per-plugin bookkeeping (schema version and owned tables, as vtx-core's
/// <c>sys_plugin_versions</c>/<c>sys_plugin_resources</c>, and the install lock <c>sys_plugin_installations</c>).
/// <see cref="SqlPortDatabase"/> implements it on a database component's SQL port (the runtime server's
/// <c>database</c> component). Implementations must be thread-safe.
/// </summary>
public interface IVtxDatabase
{
    /// <summary>
    /// The <c>sql</c> import for one plugin call: every statement is interrupted when <paramref name="deadline"/> fires
    /// (the call's deadline), besides the database's own statement deadline; plugins may not touch the host's tables.
    /// </summary>
    /// <param name="deadline">The call's deadline.</param>
    /// <param name="restricted">
    /// True for vtx-core's Restricted policy (during <c>authenticate</c>): <c>execute</c> and a writing <c>query-json</c>
    /// answer <c>err("Permission Denied")</c> without running.
    /// </param>
    /// <returns>The import.</returns>
    ISql ForCall(CancellationToken deadline, bool restricted = false);

    /// <summary>
    /// Applies the migrations after the plugin's stored version, in one transaction, then records
    /// <paramref name="resources"/> as its tables and the version as <c>migrations.Count</c>. Migrations are the plugin's
    /// SQL: they run under the same rules as its <c>sql</c> import.
    /// </summary>
    /// <param name="pluginId">The manifest id.</param>
    /// <param name="migrations">The full, append-only list from <c>get-migrations</c>; index = version.</param>
    /// <param name="resources">Table names from <c>get-resources</c>.</param>
    /// <param name="deadline">Interrupts a migration that runs too long (the load deadline).</param>
    /// <returns>How many migrations ran now (0 when up to date).</returns>
    /// <exception cref="VtxPluginException"><see cref="VtxErrorCode.MigrationFailed"/>: a statement failed or the list is shorter than the stored version; nothing was changed.</exception>
    int ApplyMigrations(string pluginId, IReadOnlyList<string> migrations, IReadOnlyList<string> resources, CancellationToken deadline);

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
