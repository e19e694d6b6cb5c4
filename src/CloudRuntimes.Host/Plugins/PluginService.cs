using CloudRuntimes.Components.Composition;
using Vtx.Host.Lifecycle;

namespace CloudRuntimes.Host.Plugins;

/// <summary>
/// Loads the VTX plugins when the runtime starts, after the components they run on (<see cref="RuntimePlugins"/>), and
/// unloads them when it stops. Without a plugins folder (<c>--plugins</c>, or the example shipped beside the server
/// with the embedded defaults) there are none.
/// </summary>
internal sealed class PluginService : IHostedService, IAsyncDisposable
{
    private readonly Lazy<Task> _loading;

    public PluginService(RuntimeOptions options, ComponentHost components, ILoggerFactory loggerFactory) =>
        _loading = new Lazy<Task>(() => Task.Run(async () =>
        {
            await components.StartBuilding().ConfigureAwait(false);
            if (FolderOf(options) is { } folder)
            {
                Plugins = RuntimePlugins.Load(folder, options, components, loggerFactory);
            }
        }));

    /// <summary>The plugins folder the runtime serves, or null for none.</summary>
    public static string? FolderOf(RuntimeOptions options) => options.PluginsPath ?? ShippedExamples.Folder(options, "plugins");

    /// <summary>The loaded plugins; null before the runtime has started or without a plugins folder.</summary>
    public VtxPluginHost? Plugins { get; private set; }

    /// <summary>
    /// Starts building the components and then loading the plugins (once) without waiting, so that the server overlaps
    /// both with setting up its endpoints; <see cref="StartAsync"/> waits for this same load.
    /// </summary>
    /// <returns>Completes when the plugins are loaded; faults with the components' or the plugins' start-up error.</returns>
    public Task StartLoading() => _loading.Value;

    /// <inheritdoc />
    /// <exception cref="CloudRuntimesException">The folder does not exist, or the configured components cannot back plugins.</exception>
    public Task StartAsync(CancellationToken cancellationToken) => StartLoading().WaitAsync(cancellationToken);

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Unloads the plugins, once a load still running has finished.</summary>
    /// <returns>Completes when they are unloaded.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_loading.IsValueCreated)
        {
            try
            {
                await _loading.Value.ConfigureAwait(false);
            }
            catch (Exception) when (!_loading.Value.IsCompletedSuccessfully)
            {
                // The start reported the error; nothing was loaded.
            }
        }
        Plugins?.Dispose();
    }
}
