using CloudRuntimes.Database;
using CloudRuntimes.Files;
using Vtx.Host;
using Vtx.Host.Lifecycle;
using Vtx.Host.Ports;

namespace CloudRuntimes.Host.Plugins;

/// <summary>
/// The VTX plugins of <c>--plugins DIR</c> (or the example plugins shipped beside the server): a <see cref="VtxPluginHost"/> whose <c>sql</c> import works on the
/// server's database component through its SQL port (one engine and guard for the database API and plugins) and whose <c>stream-io.open-file</c>
/// reads the server's file component. Compiled modules are kept in <c>DATA/vtx-module-cache</c>, so a restart skips compilation.
/// </summary>
internal static class RuntimePlugins
{
    /// <summary>The folder under <c>--data</c> that keeps compiled plugin modules.</summary>
    public const string ModuleCacheFolder = "vtx-module-cache";

    /// <summary>Creates the plugin host and loads every plugin of the folder; a plugin that fails to load is logged and left out.</summary>
    /// <param name="pluginsPath">The plugin folder.</param>
    /// <param name="options">Which database and file components back the plugins.</param>
    /// <param name="components">The server's components.</param>
    /// <param name="loggerFactory">Logging.</param>
    /// <returns>The plugin host; the caller disposes it.</returns>
    /// <exception cref="CloudRuntimesException">The folder does not exist, or the configured components cannot back plugins.</exception>
    public static VtxPluginHost Load(string pluginsPath, RuntimeOptions options, ICloudRuntimesComponents components, ILoggerFactory loggerFactory)
    {
        var folder = Path.GetFullPath(pluginsPath);
        if (!Directory.Exists(folder))
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"--plugins: folder {folder} does not exist");
        }
        if (!components.TryGet<ISqlPort>(options.PluginDatabase, out var database))
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.ResourceInvalid,
                $"--plugins: plugins keep their tables in the database component '{options.PluginDatabase}', which must exist and offer a SQL port (type database.sqlite)");
        }
        if (!components.TryGet<IFileReadPort>(options.PluginFiles, out var files))
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.ResourceInvalid,
                $"--plugins: plugins read files from the file component '{options.PluginFiles}', which must exist and offer synchronous reads (type file.local)");
        }
        // The host logs each plugin it loads and each file it could not load.
        // One plugin host per server process: Wasmtime's pooling allocator makes the per-request instances cheaper.
        var hostOptions = new VtxHostOptions { ModuleCacheDirectory = Path.Combine(Path.GetFullPath(options.DataDirectory), ModuleCacheFolder), PoolingAllocatorSlots = 100 };
        var host = new VtxPluginHost(new SqlPortDatabase(database), new FileComponentPort(files), hostOptions, loggerFactory.CreateLogger<VtxPluginHost>());
        try
        {
            host.LoadDirectory(folder);
            return host;
        }
        catch (VtxPluginException e)
        {
            host.Dispose();
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"--plugins: {e.Message}", e);
        }
    }
}
