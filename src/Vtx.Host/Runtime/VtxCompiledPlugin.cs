using System.Diagnostics;
using Vtx.Host.Components.Linking;
using Vtx.Host.Packaging;
using Vtx.Protocol;

namespace Vtx.Host.Runtime;

/// <summary>
/// A compiled, linked and checked plugin. Cheap to keep; each <see cref="CreateInstance"/> makes a fresh store and
/// instance (all of a component's core instances), so no state survives between calls except through the imports.
/// A heavy plugin (instantiation at least <see cref="VtxHostOptions.InstancePoolThreshold"/>) also keeps instances
/// instantiated ahead of the calls that <see cref="Lifecycle.VtxPluginHost"/> makes; disposing releases them. Thread-safe.
/// </summary>
public sealed class VtxCompiledPlugin : IDisposable
{
    private readonly Lock _gate = new();
    private InstancePool? _pool;
    private bool _disposed;
    internal VtxCompiledPlugin(VtxRuntime runtime, PluginPackage package, CompiledComponent component)
    {
        Runtime = runtime;
        Package = package;
        Component = component;
        UsesPreview1 = !package.IsComponent && component.UsesWasi;
    }

    /// <summary>The decoded file this plugin came from.</summary>
    public PluginPackage Package { get; }

    /// <summary>
    /// <see langword="true"/> when the plugin imports WASI: preview1 for a core module built against wasi-libc, WASI 0.2
    /// for a component (whose preview1 adapter, if any, runs over the host's WASI 0.2).
    /// </summary>
    public bool UsesWasi => Component.UsesWasi;

    internal VtxRuntime Runtime { get; }

    internal CompiledComponent Component { get; }

    /// <summary>A bare core module importing WASI preview1 from Wasmtime (its store needs a WASI configuration).</summary>
    internal bool UsesPreview1 { get; }

    /// <summary>Instantiates the plugin in a fresh store with the given imports.</summary>
    /// <param name="pluginId">Name used in errors and logs (the manifest id once known).</param>
    /// <param name="sql">What the plugin's <c>sql</c> import calls.</param>
    /// <param name="streamIo">What the plugin's <c>stream-io</c> import calls.</param>
    /// <param name="timeout">Wall-clock budget of instantiation and of each later export call.</param>
    /// <returns>An instance to call once or a few times, then dispose.</returns>
    /// <exception cref="VtxPluginException">Instantiation failed (a trap in a start function or <c>_initialize</c>, a timeout).</exception>
    public VtxPluginInstance CreateInstance(string pluginId, ISql sql, IStreamIo streamIo, TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        var instance = new VtxPluginInstance(this, pluginId, sql, streamIo, timeout);
        InstantiationTime ??= Stopwatch.GetElapsedTime(started);
        return instance;
    }

    /// <summary>How long the first instantiation took (null before one ran): what decides whether the plugin gets an instance pool.</summary>
    public TimeSpan? InstantiationTime { get; private set; }

    /// <summary>Instances waiting in the pool right now (0 without a pool).</summary>
    public int PooledInstances => _pool?.Count ?? 0;

    /// <summary>
    /// An instance for one call: a pre-instantiated one from the pool when the plugin is heavy and one is ready, else a
    /// fresh one. Either way no other call has used it.
    /// </summary>
    internal VtxPluginInstance Rent(string pluginId, ISql sql, IStreamIo streamIo, TimeSpan timeout)
    {
        if (Pool(pluginId)?.TryTake() is { } ready)
        {
            ready.Attach(sql, streamIo, timeout);
            return ready;
        }

        return CreateInstance(pluginId, sql, streamIo, timeout);
    }

    /// <summary>Releases the instances waiting in the pool; later calls instantiate as without a pool.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _pool?.Dispose();
        }
    }

    private InstancePool? Pool(string pluginId)
    {
        var options = Runtime.Options;
        if (_pool is not null || options.InstancePoolSize <= 0 || InstantiationTime is not { } cost || cost < options.InstancePoolThreshold)
        {
            return _pool;
        }

        lock (_gate)
        {
            if (_pool is null && !_disposed)
            {
                _pool = new InstancePool((sql, io) => new VtxPluginInstance(this, pluginId, sql, io, options.LoadTimeout), options.InstancePoolSize, pluginId, Runtime.Logger);
            }

            return _pool;
        }
    }
}
