using Vtx.Host.Lifecycle;

namespace CloudRuntimes.Host.Plugins;

/// <summary>
/// Loads the VTX plugins when the runtime starts, after the components they run on (<see cref="RuntimePlugins"/>), and
/// unloads them when it stops. Without a plugins folder (<c>--plugins</c>, or the example shipped beside the server
/// with the embedded defaults) there are none.
/// </summary>
internal sealed class PluginService(RuntimeOptions options, ICloudRuntimesComponents components, ILoggerFactory loggerFactory) : IHostedService, IDisposable
{
    /// <summary>The plugins folder the runtime serves, or null for none.</summary>
    public static string? FolderOf(RuntimeOptions options) => options.PluginsPath ?? ShippedExamples.Folder(options, "plugins");

    /// <summary>The loaded plugins; null before the runtime has started or without a plugins folder.</summary>
    public VtxPluginHost? Plugins { get; private set; }

    /// <inheritdoc />
    /// <exception cref="CloudRuntimesException">The folder does not exist, or the configured components cannot back plugins.</exception>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (FolderOf(options) is { } folder)
        {
            Plugins = RuntimePlugins.Load(folder, options, components, loggerFactory);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public void Dispose() => Plugins?.Dispose();
}
