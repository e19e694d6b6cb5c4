using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Vtx.Host.Lifecycle;

/// <summary>
/// Hot reload of a plugin folder, as vtx-core's watcher does: a created or changed
/// <c>*.vtx</c>/<c>*.wasm</c> file is (re)loaded after 500 ms without further changes, a deleted
/// one is unloaded (its data stays). Failures are logged; the previous version keeps serving. Nothing escapes the
/// watcher's event handlers or the debounce timers' callbacks (either would end the process); a reload racing the
/// watcher's disposal (the server stopping) is dropped quietly.
/// </summary>
internal sealed class PluginDirectoryWatcher : IDisposable
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(500);
    private readonly VtxPluginHost _host;
    private readonly ILogger _logger;
    private readonly FileSystemWatcher _watcher;
    private readonly ConcurrentDictionary<string, Timer> _pending = new(StringComparer.Ordinal);
    private volatile bool _disposed;

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
        _disposed = true;
        _watcher.Dispose();
        foreach (var timer in _pending.Values)
        {
            timer.Dispose();
        }
    }

    /// <summary>(Re)starts the path's debounce timer. One timer per path lives until the watcher is disposed, so a change
    /// never restarts a timer its own callback has just disposed (<see cref="Timer.Change(TimeSpan, TimeSpan)"/> on a
    /// disposed timer throws, on the watcher's event thread).</summary>
    private void Schedule(string path)
    {
        if (_disposed || !VtxPluginHost.IsPluginFile(path))
        {
            return;
        }

        try
        {
            _pending.GetOrAdd(path, p => new Timer(_ => Apply(p))).Change(Debounce, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // The watcher was disposed meanwhile: nothing is reloaded any more.
        }
    }

    private void Apply(string path)
    {
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
        catch (ObjectDisposedException) when (_disposed)
        {
            // The host is stopping: the reload no longer matters.
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
