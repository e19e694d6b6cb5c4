using Vtx.Host.Components.Types;
using Wasmtime;

namespace Vtx.Host.Components.Linking;

/// <summary>
/// The index spaces of one component (or one instance-type declaration list) while it is compiled, in definition order
/// (Explainer.md, "Index spaces"). Component-level items carry their static description; core items carry what the
/// linker checks (export kinds, function signatures). <see cref="Outer"/> is the enclosing scope for outer aliases.
/// </summary>
internal sealed class Scope(Scope? outer)
{
    public Scope? Outer => outer;

    public List<object> Types { get; } = [];

    public List<CompiledModule> CoreModules { get; } = [];

    public List<CoreInstanceInfo> CoreInstances { get; } = [];

    public List<Types.CoreSignature?> CoreFuncs { get; } = [];

    public int CoreMemories { get; set; }

    public int CoreTables { get; set; }

    public int CoreGlobals { get; set; }

    public List<FuncItem> Funcs { get; } = [];

    public List<InstanceItem> Instances { get; } = [];

    public List<ComponentItem> Components { get; } = [];

    /// <summary>The scope <paramref name="count"/> levels out (0 is this one).</summary>
    public Scope OuterBy(uint count, Func<string, Exception> error)
    {
        var scope = this;
        for (var i = 0; i < count; i++)
        {
            scope = scope.Outer ?? throw error($"an outer alias reaches {count} scopes out, past the outermost component");
        }

        return scope;
    }
}

/// <summary>A compiled core module and its import and export shapes.</summary>
internal sealed record CompiledModule(Module Module, string Name);

/// <summary>What a core instance exports: kind and, for functions, the core signature.</summary>
internal sealed record CoreInstanceInfo(IReadOnlyDictionary<string, CoreExportInfo> Exports);

internal sealed record CoreExportInfo(Binary.CoreSort Sort, CoreSignature? Signature);
