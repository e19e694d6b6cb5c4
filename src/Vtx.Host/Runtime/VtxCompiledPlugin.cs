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

    /// <summary>Core signatures of the world's exports (parameter count, all i32; one i32 result).</summary>
    private static readonly Dictionary<string, int> ExportParameters = new(StringComparer.Ordinal)
    {
        ["cabi_realloc"] = 4,
        ["handle"] = 6,
        ["get-manifest"] = 0,
        ["get-migrations"] = 0,
        ["get-resources"] = 0,
        ["authenticate"] = 2,
    };
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

        foreach (var export in Module.Exports)
        {
            if (!ExportParameters.TryGetValue(export.Name, out var count))
            {
                continue;
            }

            var function = export as FunctionExport;
            var expected = $"({string.Join(' ', Enumerable.Repeat("i32", count))}) -> i32";
            if (function is null || function.Parameters.Count != count || function.Parameters.Any(k => k != ValueKind.Int32)
                || function.Results is not [ValueKind.Int32])
            {
                var found = function is null ? export.GetType().Name : $"({string.Join(' ', function.Parameters.Select(Wat))}) -> ({string.Join(' ', function.Results.Select(Wat))})";
                throw new VtxPluginException(VtxErrorCode.InvalidModule,
                    $"{source}: export '{export.Name}' must be a function {expected} (canonical ABI of world plugin), found {found}.", source);
            }
        }
    }

    private static string Wat(ValueKind kind) => kind switch
    {
        ValueKind.Int32 => "i32",
        ValueKind.Int64 => "i64",
        ValueKind.Float32 => "f32",
        ValueKind.Float64 => "f64",
        _ => kind.ToString(),
    };
}
