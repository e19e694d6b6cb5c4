using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Vtx.Host.Lifecycle;

/// <summary>
/// Hot reload of a plugin folder, as vtx-core's watcher does: a created or changed
/// <c>*.vtx</c>/<c>*.wasm</c> file is (re)loaded after 500 ms without further changes, a deleted
/// one is unloaded (its data stays). Failures are logged; the previous version keeps serving.
/// </summary>
internal sealed class PluginDirectoryWatcher : IDisposable
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(500);
    private readonly VtxPluginHost _host;
    private readonly ILogger _logger;
    private readonly FileSystemWatcher _watcher;
    private readonly ConcurrentDictionary<string, Timer> _pending = new(StringComparer.Ordinal);

    public PluginDirectoryWatcher(VtxPluginHost host, string directory, ILogger logger)
    {
        _host = host;
        _logger = logger;
        _watcher = new FileSystemWatcher(directory) { NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size };
        _watcher.Created += (_, e) => Schedule(e.FullPath);
        _watcher.Changed += (_, e) => Schedule(e.FullPath);
        _watcher.Deleted += (_, e) => Schedule(e.FullPath);
        _watcher.Renamed += (_, e) =>
        {
            Schedule(e.OldFullPath);
            Schedule(e.FullPath);
        };
        _watcher.EnableRaisingEvents = true;
    }

    public void Dispose()
    {
        _watcher.Dispose();
        foreach (var timer in _pending.Values)
        {
            timer.Dispose();
        }
    }

    private void Schedule(string path)
    {
        if (!VtxPluginHost.IsPluginFile(path))
        {
            return;
        }

        _pending.AddOrUpdate(path,
            p => new Timer(_ => Apply(p), null, Debounce, Timeout.InfiniteTimeSpan),
            (_, timer) =>
            {
                timer.Change(Debounce, Timeout.InfiniteTimeSpan);
                return timer;
            });
    }

    private void Apply(string path)
    {
        if (_pending.TryRemove(path, out var timer))
        {
            timer.Dispose();
        }

        try
        {
            if (File.Exists(path))
            {
                _host.Load(path);
            }
            else if (_host.Plugins.FirstOrDefault(p => p.Source == path) is { } gone)
            {
                _host.Unload(gone.Manifest.Id);
            }
        }
        catch (VtxPluginException ex)
        {
            _logger.LogError("Reloading {File} failed: {Code}: {Reason}", path, ex.Code, ex.Message);
        }
#pragma warning disable CA1031 // A background reload must never take the host down; the reason is logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.LogError(ex, "Reloading {File} failed", path);
        }
    }
}
