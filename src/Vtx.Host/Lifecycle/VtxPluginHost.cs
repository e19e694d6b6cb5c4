using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vtx.Host.Packaging;
using Vtx.Host.Ports;
using Vtx.Host.Runtime;
using Vtx.Protocol;

namespace Vtx.Host.Lifecycle;

/// <summary>
/// Loads VTX plugins, applies their migrations, routes HTTP requests to them and runs the
/// <c>authenticate</c> chain, following vtx-core (release 2.2.1 era) with a stricter sandbox:
/// <list type="bullet">
/// <item>Load: decode, compile (cached by content hash), one instance for <c>get-manifest</c>,
/// <c>get-resources</c> and <c>get-migrations</c>; migrations after the stored version run in one
/// transaction; a duplicate id or entrypoint is refused, except that loading the same file
/// again replaces the plugin it held (a reload); across restarts an id stays locked to the file
/// name it was installed from until it is uninstalled.</item>
/// <item>Routing: the plugin whose <c>entrypoint</c> is the longest prefix of the raw (not percent-decoded)
/// path ending on a <c>/</c> boundary; it gets the rest of that path and the raw query.</item>
/// <item>Answers: a 1xx status or one outside 100–999 fails the request (500); 204, 205 and 304 carry no body.</item>
/// <item>Every call gets a fresh instance; a plugin that traps, times out or breaks the ABI fails
/// only that call (500, logged with the reason).</item>
/// <item>authenticate: plugins in load order under the Restricted policy (no <c>sql.execute</c>,
/// no <c>open-file</c>); the first <c>ok</c> wins, <c>err(401)</c> or a failing plugin passes to
/// the next, any other status ends the chain.</item>
/// </list>
/// Thread-safe: requests may run concurrently with each other and with loads.
/// </summary>
public sealed class VtxPluginHost : IDisposable
{
    private static readonly string[] FileExtensions = [".vtx", ".wasm"];
    private readonly IVtxDatabase _database;
    private readonly IStreamIo _streamIo;
    private readonly VtxRuntime _runtime;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private LoadedPlugin[] _plugins = [];

    /// <summary>Creates a host with no plugins.</summary>
    /// <param name="database">The plugins' SQL database and the host's migration bookkeeping.</param>
    /// <param name="files">Where <c>stream-io.open-file</c> finds files.</param>
    /// <param name="options">Sandbox limits; <see langword="null"/> for the defaults.</param>
    /// <param name="logger">Receives load results, plugin failures and plugin stdout/stderr.</param>
    public VtxPluginHost(IVtxDatabase database, IVtxFileStore files, VtxHostOptions? options = null, ILogger<VtxPluginHost>? logger = null)
    {
        _database = database ?? throw new ArgumentNullException(nameof(database));
        _streamIo = new StreamIo(files ?? throw new ArgumentNullException(nameof(files)));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _runtime = new VtxRuntime(options, _logger);
    }

    /// <summary>The sandbox limits in force.</summary>
    public VtxHostOptions Options => _runtime.Options;

    /// <summary>The loaded plugins, in load order.</summary>
    public IReadOnlyList<VtxPluginInfo> Plugins => Volatile.Read(ref _plugins).Select(p => p.Info).ToList();

    /// <summary>Loads every <c>*.vtx</c> and <c>*.wasm</c> file directly in <paramref name="directory"/>, in name order.</summary>
    /// <param name="directory">The plugin folder.</param>
    /// <returns>What loaded and what failed; a failed file does not stop the others.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public VtxLoadReport LoadDirectory(string directory)
    {
        var files = Directory.EnumerateFiles(directory).Where(IsPluginFile).Order(StringComparer.Ordinal);
        var loaded = new List<VtxPluginInfo>();
        var failed = new List<VtxPluginException>();
        foreach (var file in files)
        {
            try
            {
                loaded.Add(Load(file));
            }
            catch (VtxPluginException ex)
            {
                _logger.LogError("Plugin file {File} was not loaded: {Code}: {Reason}", file, ex.Code, ex.Message);
                failed.Add(ex);
            }
        }

        return new VtxLoadReport(loaded, failed);
    }

    /// <summary>
    /// Watches <paramref name="directory"/> and keeps the loaded plugins in step with it: a new or
    /// changed <c>*.vtx</c>/<c>*.wasm</c> file is (re)loaded 500 ms after its last change, a deleted
    /// one is unloaded with its data kept. Failures are logged and leave the previous version serving.
    /// </summary>
    /// <param name="directory">The plugin folder (usually the one given to <see cref="LoadDirectory"/>).</param>
    /// <returns>Dispose to stop watching.</returns>
    /// <exception cref="ArgumentException">The folder does not exist.</exception>
    public IDisposable Watch(string directory) => new PluginDirectoryWatcher(this, directory, _logger);

    internal static bool IsPluginFile(string path) =>
        FileExtensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <summary>Loads one plugin file (<c>.vtx</c> v1/v2, component or core module) and applies its migrations.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The loaded plugin.</returns>
    /// <exception cref="VtxPluginException">The file is malformed or of an unsupported shape, a load-time call failed, a migration failed, or the id/entrypoint conflicts with a loaded plugin.</exception>
    public VtxPluginInfo Load(string path)
    {
        PluginPackage package;
        try
        {
            package = PluginPackage.Load(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new VtxPluginException(VtxErrorCode.InvalidPackage, $"{path}: cannot be read: {ex.Message}", path, ex);
        }

        var compiled = _runtime.Compile(package);
        try
        {
            return Register(path, package, (id, sql, io, timeout) => compiled.Rent(id, sql, io, timeout), compiled);
        }
        catch
        {
            compiled.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Adds an in-process .NET plugin written against <see cref="IVtxPlugin"/>. The factory runs
    /// for every call with that call's imports (policy applied), like a fresh WebAssembly instance.
    /// </summary>
    /// <param name="source">A name for logs and <see cref="VtxPluginInfo.Source"/>.</param>
    /// <param name="factory">Makes a plugin object from its imports; disposed after the call if <see cref="IDisposable"/>.</param>
    /// <returns>The loaded plugin.</returns>
    /// <exception cref="VtxPluginException">A load-time call failed, a migration failed, or the id/entrypoint conflicts.</exception>
    public VtxPluginInfo AddPlugin(string source, Func<ISql, IStreamIo, IVtxPlugin> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return Register(source, null, (_, sql, io, _) => factory(sql, io), null);
    }

    /// <summary>Stops routing to a plugin; its data stays.</summary>
    /// <param name="pluginId">The manifest id.</param>
    /// <exception cref="VtxPluginException"><see cref="VtxErrorCode.PluginNotFound"/>.</exception>
    public void Unload(string pluginId)
    {
        lock (_gate)
        {
            var remaining = _plugins.Where(p => p.Id != pluginId).ToArray();
            if (remaining.Length == _plugins.Length)
            {
                throw new VtxPluginException(VtxErrorCode.PluginNotFound, $"No plugin with id '{pluginId}' is loaded.", pluginId);
            }

            Release(_plugins.Except(remaining));
            Volatile.Write(ref _plugins, remaining);
        }

        _logger.LogInformation("Plugin {PluginId} unloaded", pluginId);
    }

    /// <summary>Unloads a plugin and forgets it in the database: drops its tables unless <paramref name="keepData"/>.</summary>
    /// <param name="pluginId">The manifest id.</param>
    /// <param name="keepData"><see langword="true"/> to keep its tables and rows.</param>
    /// <exception cref="VtxPluginException"><see cref="VtxErrorCode.PluginNotFound"/>.</exception>
    public void Uninstall(string pluginId, bool keepData)
    {
        Unload(pluginId);
        _database.Uninstall(pluginId, keepData);
    }

    /// <summary>Routes one HTTP request to the plugin whose entrypoint matches and runs its <c>handle</c> in a fresh instance.</summary>
    /// <param name="method">HTTP method, e.g. <c>GET</c>.</param>
    /// <param name="path">The request path as sent, not percent-decoded (vtx-core routes on and passes <c>uri.path()</c>), e.g. <c>/notes/add</c>.</param>
    /// <param name="query">The raw query string without <c>?</c>; empty when none.</param>
    /// <returns>
    /// The plugin's status and body; 404 when no plugin matches; 500 when the plugin failed or answered a status that
    /// cannot end a request (1xx, or outside 100–999; reason logged). A 204, 205 or 304 answer never has a body
    /// (the plugin's is dropped).
    /// </returns>
    public VtxHttpResult Handle(string method, string path, string query)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(path);
        var (plugin, rest) = Route(path);
        if (plugin is null)
        {
            return new VtxHttpResult(404, null, null, $"No plugin configured to handle route: {path}");
        }

        try
        {
            // The call's deadline stops its host calls (SQL) as the epoch deadline stops its WebAssembly code.
            using var deadline = new CancellationTokenSource(Options.HandleTimeout);
            var response = plugin.Run(_database.ForCall(deadline.Token), _streamIo, Options.HandleTimeout, p => p.Handle(new HttpRequest(method, rest, query ?? "")));
            return VtxTelemetry.Counted(Answer(plugin, response));
        }
        catch (VtxPluginException ex)
        {
            _logger.LogError("Request {Method} {Path} failed in plugin {PluginId}: {Code}: {Reason}", method, path, plugin.Id, ex.Code, ex.Message);
            return VtxTelemetry.Counted(new VtxHttpResult(500, null, plugin.Id, "Plugin execution failed"));
        }
    }

    /// <summary>
    /// Makes the plugin's answer a final HTTP response: a 1xx status (interim, including 101 without an upgrade)
    /// or a number outside 100–999 is a failed request; 204, 205 and 304 never carry a body.
    /// </summary>
    private VtxHttpResult Answer(LoadedPlugin plugin, HttpResponse response)
    {
        if (response.Status is < 200 or > 999)
        {
            response.Body?.Dispose();
            _logger.LogWarning("Plugin {PluginId} answered HTTP status {Status}, which cannot end a request (1xx is interim; a status has three digits)",
                plugin.Id, response.Status);
            return new VtxHttpResult(500, null, plugin.Id, "Plugin execution failed");
        }

        if (response.Body is { } body && response.Status is 204 or 205 or 304)
        {
            body.Dispose();
            _logger.LogDebug("Plugin {PluginId} answered {Status} with a body; the body is dropped", plugin.Id, response.Status);
            return new VtxHttpResult(response.Status, null, plugin.Id, null);
        }

        return new VtxHttpResult(response.Status, response.Body, plugin.Id, null);
    }

    /// <summary>Runs the <c>authenticate</c> chain over the loaded plugins, in load order.</summary>
    /// <param name="headers">Request headers as (lower-case name, value) pairs.</param>
    /// <returns>The first accepted identity, the first non-401 status, or 401 when nobody accepted.</returns>
    public VtxAuthResult Authenticate(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        foreach (var plugin in Volatile.Read(ref _plugins))
        {
            using var deadline = new CancellationTokenSource(Options.AuthenticateTimeout);
            var restricted = new RestrictedImports(_database.ForCall(deadline.Token, restricted: true), _streamIo);
            WitResult<UserContext, ushort> outcome;
            try
            {
                outcome = plugin.Run(restricted, restricted, Options.AuthenticateTimeout, p => p.Authenticate(headers));
            }
            catch (VtxPluginException ex)
            {
                _logger.LogError("authenticate failed in plugin {PluginId}, trying the next: {Code}: {Reason}", plugin.Id, ex.Code, ex.Message);
                continue;
            }

            if (outcome.IsOk)
            {
                return new VtxAuthResult(outcome.Value, 200, plugin.Id);
            }

            if (outcome.Error != 401)
            {
                return new VtxAuthResult(null, outcome.Error is >= 400 and <= 599 ? outcome.Error : 401, plugin.Id);
            }
        }

        return new VtxAuthResult(null, 401, null);
    }

    /// <summary>Releases the plugins' prepared instances, the Wasmtime engine and compiled modules.</summary>
    public void Dispose()
    {
        Release(Volatile.Read(ref _plugins));
        _runtime.Dispose();
    }

    /// <summary>Releases what plugins that stop being served hold (instances prepared ahead of requests).</summary>
    private static void Release(IEnumerable<LoadedPlugin> plugins)
    {
        foreach (var plugin in plugins)
        {
            plugin.Resources?.Dispose();
        }
    }

    private (LoadedPlugin? Plugin, string Remainder) Route(string path)
    {
        foreach (var plugin in Volatile.Read(ref _plugins).OrderByDescending(p => p.Entrypoint.Length))
        {
            if (plugin.TryMatch(path, out var rest))
            {
                return (plugin, rest);
            }
        }

        return (null, "");
    }

    private VtxPluginInfo Register(string source, PluginPackage? package, Func<string, ISql, IStreamIo, TimeSpan, IVtxPlugin> create, IDisposable? held)
    {
        using var deadline = new CancellationTokenSource(Options.LoadTimeout);
        var (manifest, resources, migrations) = LoadedPlugin.Run(source, create, _database.ForCall(deadline.Token), _streamIo, Options.LoadTimeout,
            p => (p.GetManifest(), p.GetResources(), p.GetMigrations()));
        var entrypoint = CheckManifest(source, manifest);

        lock (_gate)
        {
            // A source holds one plugin: loading it again is a reload that replaces what it held.
            var others = _plugins.Where(p => p.Info.Source != source).ToArray();
            var clash = others.FirstOrDefault(p => p.Id == manifest.Id || p.Entrypoint == entrypoint);
            if (clash is not null)
            {
                var what = clash.Id == manifest.Id ? $"id '{manifest.Id}'" : $"entrypoint '{manifest.Entrypoint}' (route conflict)";
                throw new VtxPluginException(VtxErrorCode.Conflict, $"{source}: plugin {what} is already loaded from {clash.Info.Source}.", manifest.Id);
            }

            // Across restarts, an id stays with the file it was installed from (by name, so the folder may move).
            _database.VerifyInstallation(manifest.Id, package is null ? source : Path.GetFileName(source));
            var applied = _database.ApplyMigrations(manifest.Id, migrations, resources, deadline.Token);
            var info = new VtxPluginInfo(manifest, source, package?.Format, resources, migrations.Count, applied, package?.Metadata);
            Release(_plugins.Except(others));
            Volatile.Write(ref _plugins, [.. others, new LoadedPlugin(info, entrypoint, create, held)]);
            _logger.LogInformation("Plugin {PluginId} {Version} loaded from {Source} at {Entrypoint}; {Applied} migration(s) applied",
                manifest.Id, manifest.Version, source, manifest.Entrypoint, applied);
            return info;
        }
    }

    /// <summary>Checks the manifest; gives the entrypoint without a trailing <c>/</c> (so <c>/</c> serves every path).</summary>
    private static string CheckManifest(string source, Manifest manifest)
    {
        if (string.IsNullOrWhiteSpace(manifest.Id))
        {
            throw new VtxPluginException(VtxErrorCode.InvalidModule, $"{source}: get-manifest returned an empty id.", source);
        }

        if (!manifest.Entrypoint.StartsWith('/'))
        {
            throw new VtxPluginException(VtxErrorCode.InvalidModule,
                $"{source}: manifest.entrypoint '{manifest.Entrypoint}' of plugin '{manifest.Id}' must start with '/'.", manifest.Id);
        }

        return manifest.Entrypoint.TrimEnd('/');
    }
}
