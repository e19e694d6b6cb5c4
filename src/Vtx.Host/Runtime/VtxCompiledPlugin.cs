using Vtx.Host.Abi;
using Vtx.Host.Packaging;
using Vtx.Protocol;
using Wasmtime;

namespace Vtx.Host.Runtime;

/// <summary>
/// A compiled, checked plugin module. Cheap to keep; each <see cref="CreateInstance"/> makes a
/// fresh store and instance, so no state survives between calls except through the imports.
/// Thread-safe.
/// </summary>
public sealed class VtxCompiledPlugin
{
    private static readonly string[] RequiredExports = ["memory", "cabi_realloc", "handle", "get-manifest", "get-migrations", "get-resources", "authenticate"];
    private const string WasiModule = "wasi_snapshot_preview1";

    internal VtxCompiledPlugin(VtxRuntime runtime, PluginPackage package, Module module)
    {
        Runtime = runtime;
        Package = package;
        Module = module;
        CheckShape();
        UsesWasi = module.Imports.Any(i => i.ModuleName == WasiModule);
    }

    /// <summary>The decoded file this plugin came from.</summary>
    public PluginPackage Package { get; }

    /// <summary><see langword="true"/> when the module imports WASI preview1 (built against wasi-libc).</summary>
    public bool UsesWasi { get; }

    internal VtxRuntime Runtime { get; }

    internal Module Module { get; }

    /// <summary>Instantiates the module in a fresh store with the given imports.</summary>
    /// <param name="pluginId">Name used in errors and logs (the manifest id once known).</param>
    /// <param name="sql">What the plugin's <c>sql</c> import calls.</param>
    /// <param name="streamIo">What the plugin's <c>stream-io</c> import calls.</param>
    /// <param name="timeout">Wall-clock budget of instantiation and of each later export call.</param>
    /// <returns>An instance to call once or a few times, then dispose.</returns>
    /// <exception cref="VtxPluginException">Instantiation or <c>_initialize</c> failed (trap, timeout, missing export).</exception>
    public VtxPluginInstance CreateInstance(string pluginId, ISql sql, IStreamIo streamIo, TimeSpan timeout) =>
        new(this, pluginId, sql, streamIo, timeout);

    private void CheckShape()
    {
        var source = Package.Source;
        foreach (var import in Module.Imports)
        {
            var known = import.ModuleName == WasiModule
                || (HostImports.Functions.TryGetValue(import.ModuleName, out var names) && names.Contains(import.Name));
            if (!known)
            {
                throw new VtxPluginException(VtxErrorCode.UnsupportedPluginShape,
                    $"{source}: unsupported plugin shape: the module imports '{import.ModuleName}' '{import.Name}', which world plugin of vtx:api@1.2.6 does not provide (allowed: vtx:api/sql@1.2.6, vtx:api/stream-io@1.2.6, {WasiModule}).", source);
            }
        }

        var exports = Module.Exports.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        var missing = RequiredExports.Where(e => !exports.Contains(e)).ToList();
        if (missing.Count > 0)
        {
            throw new VtxPluginException(VtxErrorCode.InvalidModule,
                $"{source}: the module lacks the export(s) {string.Join(", ", missing)} required by world plugin.", source);
        }
    }
}
