using Vtx.Host.Components.Binary;
using Vtx.Host.Components.Linking;
using Vtx.Host.Components.Types;
using Wasmtime;

namespace Vtx.Host.Runtime;

/// <summary>
/// Links a bare core module written against world <c>plugin</c> (legacy wit-bindgen names: imports from
/// <c>vtx:api/&lt;interface&gt;@1.2.6</c>, exports named after the world's functions with <c>cabi_realloc</c>,
/// <c>cabi_post_&lt;name&gt;</c>, <c>memory</c> and an optional <c>_initialize</c>) the way wit-component would wrap it
/// in a component: its imports are lowered from the host functions and its exports lifted, both with the world's types
/// and the module's own memory and <c>cabi_realloc</c>. WASI preview1 imports come from Wasmtime's linker.
/// </summary>
internal static class CoreModulePlugin
{
    public const string Preview1 = "wasi_snapshot_preview1";

    private static readonly string[] RequiredExports = ["memory", "cabi_realloc", "handle", "get-manifest", "get-migrations", "get-resources", "authenticate"];

    /// <summary>Checks the module against the world and builds its instantiation: one linker holding the lowered imports and WASI preview1.</summary>
    /// <param name="module">The compiled module.</param>
    /// <param name="source">The plugin file, for messages.</param>
    /// <param name="registry">The host interfaces.</param>
    /// <param name="engine">The engine, for the module's own linker when it does not import WASI preview1.</param>
    /// <param name="preview1">A linker defining WASI preview1; it is cloned for a module that imports it.</param>
    /// <param name="own">Takes ownership of the linker made for this module.</param>
    /// <exception cref="VtxPluginException"><see cref="VtxErrorCode.UnsupportedPluginShape"/> for imports the host does not offer; <see cref="VtxErrorCode.InvalidModule"/> for missing or mistyped exports or imports.</exception>
    public static CompiledComponent Build(Module module, string source, HostRegistry registry, Engine engine, Linker preview1, Action<IDisposable> own)
    {
        const int realloc = 0;
        var options = new CanonOptions(StringEncoding.Utf8, Memory: 0, Realloc: realloc, PostReturn: null);
        var identity = new object();
        var linker = module.Imports.Any(i => i.ModuleName == Preview1) ? preview1.Clone() : new Linker(engine);
        own(linker);
        var usesPreview1 = false;
        foreach (var import in module.Imports)
        {
            if (import.ModuleName == Preview1)
            {
                usesPreview1 = true;
                continue;
            }

            var hostInterface = import.ModuleName.StartsWith(PluginWorld.Package + "/", StringComparison.Ordinal) ? registry.Find(import.ModuleName) : null;
            const string drop = "[resource-drop]";
            if (import.Name.StartsWith(drop, StringComparison.Ordinal) && hostInterface?.FindResource(import.Name[drop.Length..]) is { } resource)
            {
                CheckImport(import, new CoreSignature([ValueKind.Int32], []), source);
                CanonResource.Define(linker, import.ModuleName, import.Name, ResourceBuiltin.Drop, resource, identity);
            }
            else if (hostInterface?.FindFunction(import.Name) is { DeclaredType: { } type } function)
            {
                CheckImport(import, type.LowerSignature, source);
                new LowerPlan(type, options, import.Name, Func: -1, identity, function).Define(linker, import.ModuleName, import.Name);
            }
            else
            {
                throw new VtxPluginException(VtxErrorCode.UnsupportedPluginShape,
                    $"{source}: unsupported plugin shape: the module imports '{import.ModuleName}' '{import.Name}', which world plugin of vtx:api@1.2.6 does not provide (allowed: vtx:api/sql@1.2.6, vtx:api/stream-io@1.2.6, {Preview1}).", source);
            }
        }

        CheckExports(module, source);
        var steps = new List<IStep>
        {
            new LinkerInstantiateStep(0, linker, module),
            new CoreAliasStep(0, "memory", CoreSort.Memory, 0),
            new CoreAliasStep(0, "cabi_realloc", CoreSort.Func, realloc),
        };
        var coreFuncs = realloc + 1;
        var exports = module.Exports.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        if (module.Exports.Any(e => e is FunctionExport { Name: "_initialize", Parameters.Count: 0, Results.Count: 0 }))
        {
            steps.Add(new InitializeStep(0));
        }

        var statics = new Dictionary<string, StaticItem>(StringComparer.Ordinal);
        var funcs = 0;
        foreach (var (name, type) in PluginWorld.Exports)
        {
            var core = coreFuncs++;
            steps.Add(new CoreAliasStep(0, name, CoreSort.Func, core));
            int? postReturn = null;
            if (exports.Contains("cabi_post_" + name))
            {
                postReturn = coreFuncs++;
                steps.Add(new CoreAliasStep(0, "cabi_post_" + name, CoreSort.Func, postReturn.Value));
            }

            steps.Add(new LiftStep(funcs, new LiftPlan(type, options with { PostReturn = postReturn }, name, core)));
            steps.Add(new ExportStep(name, new ItemRef(Sort.Func, funcs), funcs + 1));
            funcs += 2;
            statics[name] = new FuncItem(name, type);
        }

        var counts = new IndexCounts(CoreInstances: 1, coreFuncs, CoreMemories: 1, CoreTables: 0, CoreGlobals: 0, funcs, Instances: 0);
        return new CompiledComponent(steps, counts, statics, new Dictionary<string, object>(), usesPreview1, identity);
    }

    private static void CheckExports(Module module, string source)
    {
        var exports = module.Exports.ToDictionary(e => e.Name, StringComparer.Ordinal);
        var missing = RequiredExports.Where(e => !exports.ContainsKey(e)).ToList();
        if (missing.Count > 0)
        {
            throw new VtxPluginException(VtxErrorCode.InvalidModule,
                $"{source}: the module lacks the export(s) {string.Join(", ", missing)} required by world plugin.", source);
        }

        var expected = PluginWorld.Exports.Select(e => (e.Name, Signature: e.Type.LiftSignature))
            .Append(("cabi_realloc", new CoreSignature([ValueKind.Int32, ValueKind.Int32, ValueKind.Int32, ValueKind.Int32], [ValueKind.Int32])));
        foreach (var (name, signature) in expected)
        {
            var export = exports[name];
            if (export is FunctionExport f && signature.Equals(new CoreSignature([.. f.Parameters], [.. f.Results])))
            {
                continue;
            }

            var wanted = $"({string.Join(' ', signature.Params.Select(CoreSignature.Wat))}) -> {string.Join(' ', signature.Results.Select(CoreSignature.Wat))}";
            var found = export is FunctionExport function
                ? $"({string.Join(' ', function.Parameters.Select(CoreSignature.Wat))}) -> ({string.Join(' ', function.Results.Select(CoreSignature.Wat))})"
                : export.GetType().Name;
            throw new VtxPluginException(VtxErrorCode.InvalidModule,
                $"{source}: export '{name}' must be a function {wanted} (canonical ABI of world plugin), found {found}.", source);
        }
    }

    private static void CheckImport(Import import, CoreSignature expected, string source)
    {
        if (import is FunctionImport f && f.Parameters.SequenceEqual(expected.Params) && f.Results.SequenceEqual(expected.Results))
        {
            return;
        }

        throw new VtxPluginException(VtxErrorCode.InvalidModule,
            $"{source}: the module imports '{import.ModuleName}' '{import.Name}' with a core type other than {expected} (canonical ABI of world plugin).", source);
    }
}
