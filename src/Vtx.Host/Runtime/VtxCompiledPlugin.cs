using Vtx.Host.Components.Linking;
using Vtx.Host.Packaging;
using Vtx.Protocol;

namespace Vtx.Host.Runtime;

/// <summary>
/// A compiled, linked and checked plugin. Cheap to keep; each <see cref="CreateInstance"/> makes a fresh store and
/// instance (all of a component's core instances), so no state survives between calls except through the imports.
/// Thread-safe.
/// </summary>
public sealed class VtxCompiledPlugin
{
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
    public VtxPluginInstance CreateInstance(string pluginId, ISql sql, IStreamIo streamIo, TimeSpan timeout) =>
        new(this, pluginId, sql, streamIo, timeout);
}
