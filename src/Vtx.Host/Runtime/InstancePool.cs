using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Vtx.Protocol;

namespace Vtx.Host.Runtime;

/// <summary>
/// Instances of one plugin instantiated ahead of requests, on the thread pool: a request takes one that no call has
/// used (the same isolation as a fresh instance), and taking one starts a refill up to the pool's size. When the pool is
/// empty the caller instantiates as without a pool. Instances wait with imports that refuse every call: a start
/// function that reaches for <c>sql</c> or <c>stream-io</c> fails, and the pool turns itself off. Thread-safe.
/// </summary>
internal sealed class InstancePool(Func<ISql, IStreamIo, VtxPluginInstance> create, int size, string pluginId, ILogger logger) : IDisposable
{
    private readonly ConcurrentQueue<VtxPluginInstance> _ready = new();
    private int _filling;
    private volatile bool _closed;

    /// <summary>A ready instance, or null when none is ready; either way the pool refills in the background.</summary>
    public VtxPluginInstance? TryTake()
    {
        _ready.TryDequeue(out var instance);
        if (!_closed && _ready.Count < size && Interlocked.CompareExchange(ref _filling, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(_ => Fill(), null);
        }

        return instance;
    }

    public int Count => _ready.Count;

    public void Dispose()
    {
        _closed = true;
        while (_ready.TryDequeue(out var instance))
        {
            instance.Dispose();
        }
    }

    private void Fill()
    {
        try
        {
            while (!_closed && _ready.Count < size)
            {
                _ready.Enqueue(create(Detached.Instance, Detached.Instance));
            }
        }
        catch (Exception ex)
        {
            // Nothing may escape a thread-pool work item: it would end the process. A plugin disposed while the pool
            // fills (the server stopping, a test ending) fails here with ObjectDisposedException from Wasmtime's
            // handles; that is the pool closing, not a failure worth a warning.
            var closing = _closed;
            _closed = true;
            if (!closing)
            {
                logger.LogWarning("Plugin {PluginId}: instances are no longer prepared ahead of requests: {Reason}", pluginId, ex.Message);
            }
        }
        finally
        {
            Volatile.Write(ref _filling, 0);
        }
        if (_closed)
        {
            DisposeReady();
        }
    }

    /// <summary>Disposes the instances filled after the pool closed, on the work item's thread: nothing may escape it.</summary>
    private void DisposeReady()
    {
        try
        {
            Dispose();
        }
        catch (ObjectDisposedException)
        {
            // The plugin's engine went first (the server stopping): its instances went with it.
        }
        catch (Exception ex)
        {
            logger.LogWarning("Plugin {PluginId}: disposing prepared instances failed: {Reason}", pluginId, ex.Message);
        }
    }

    /// <summary>The imports of an instance waiting for its request: any call is refused.</summary>
    private sealed class Detached : ISql, IStreamIo
    {
        public static readonly Detached Instance = new();

        public WitResult<ulong, string> Execute(string statement, IReadOnlyList<DbValue> parameters) => throw Refused();

        public WitResult<string, string> QueryJson(string statement, IReadOnlyList<DbValue> parameters) => throw Refused();

        public WitResult<VtxBuffer, string> OpenFile(string uuid) => throw Refused();

        public VtxBuffer CreateMemoryBuffer(ReadOnlySpan<byte> data) => throw Refused();

        private static VtxPluginException Refused() =>
            new(VtxErrorCode.UnsupportedPluginShape, "the plugin calls sql or stream-io while it is instantiated, before any request");
    }
}
