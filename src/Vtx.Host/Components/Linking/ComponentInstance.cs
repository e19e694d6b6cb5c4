using Vtx.Host.Components.Abi;
using Vtx.Host.Components.Binary;
using Vtx.Host.Components.Types;
using Wasmtime;

namespace Vtx.Host.Components.Linking;

/// <summary>
/// A component instance in one store: its index spaces filled by running the compiled component's steps in definition
/// order (the instantiation rules of Explainer.md), its exports, its handle table, and the flags of CanonicalABI.md's
/// <c>ComponentInstance</c>: <see cref="MayLeave"/> (false while <c>realloc</c> or a post-return runs, so that no
/// import can be called then) and <see cref="Entered"/> (no re-entry while one of its exports runs).
/// </summary>
internal sealed class ComponentInstance : IDisposable
{
    private readonly List<ComponentInstance> _children = [];

    private ComponentInstance(CompiledComponent compiled, Store store, HostContext host, IReadOnlyDictionary<string, object> imports, Dictionary<ResourceType, Function> destructors)
    {
        Destructors = destructors;
        Compiled = compiled;
        Store = store;
        Host = host;
        Imports = imports;
        var counts = compiled.Counts;
        CoreInstances = new CoreInstanceValue[counts.CoreInstances];
        CoreFuncs = new Function[counts.CoreFuncs];
        CoreMemories = new Memory[counts.CoreMemories];
        CoreTables = new Table[counts.CoreTables];
        CoreGlobals = new Global[counts.CoreGlobals];
        Funcs = new ComponentFunction[counts.Funcs];
        Instances = new InstanceValue[counts.Instances];
        Handles = new HandleTable(host.Options.MaxLiveHandles, host.PluginId);
    }

    public CompiledComponent Compiled { get; }

    public Store Store { get; }

    public HostContext Host { get; }

    public IReadOnlyDictionary<string, object> Imports { get; }

    public CoreInstanceValue[] CoreInstances { get; }

    public Function[] CoreFuncs { get; }

    public Memory[] CoreMemories { get; }

    public Table[] CoreTables { get; }

    public Global[] CoreGlobals { get; }

    public ComponentFunction[] Funcs { get; }

    public InstanceValue[] Instances { get; }

    public Dictionary<string, object> Exports { get; } = new(StringComparer.Ordinal);

    public HandleTable Handles { get; }

    public bool MayLeave { get; set; } = true;

    public bool Entered { get; set; }

    /// <summary>Destructors of the resource types defined in this store (shared with nested instances: a handle may be dropped elsewhere).</summary>
    public Dictionary<ResourceType, Function> Destructors { get; }

    /// <summary>Instantiates <paramref name="compiled"/>: runs its steps; a trap in a start function or core instantiation propagates.</summary>
    public static ComponentInstance Instantiate(CompiledComponent compiled, Store store, HostContext host, IReadOnlyDictionary<string, object> imports) =>
        Instantiate(compiled, store, host, imports, []);

    private static ComponentInstance Instantiate(CompiledComponent compiled, Store store, HostContext host, IReadOnlyDictionary<string, object> imports, Dictionary<ResourceType, Function> destructors)
    {
        var instance = new ComponentInstance(compiled, store, host, imports, destructors);
        try
        {
            foreach (var step in compiled.Steps)
            {
                step.Run(instance);
            }

            return instance;
        }
        catch
        {
            instance.Dispose();
            throw;
        }
    }

    /// <summary>Instantiates a nested component with these imports; it is disposed with this instance.</summary>
    public ComponentInstance InstantiateChild(CompiledComponent compiled, IReadOnlyDictionary<string, object> imports)
    {
        var child = Instantiate(compiled, Store, Host, imports, Destructors);
        _children.Add(child);
        return child;
    }

    /// <summary>A canonical-ABI context for options of this instance: memory and realloc are core indices resolved on first use.</summary>
    public AbiContext Context(CanonOptions options)
    {
        var memory = options.Memory is { } m
            ? (Func<GuestMemory?>)(() => new GuestMemory(CoreMemories[m], options.Realloc is { } r ? Realloc(r) : null, Host.PluginId))
            : () => null;
        return new AbiContext(memory, options.Encoding, Handles, Compiled.Identity, Host.PluginId);
    }

    /// <summary>A core <c>realloc</c> as a delegate; imports may not be called while it runs.</summary>
    private Func<int, int, int, int, int> Realloc(int coreFunc)
    {
        var function = CoreFuncs[coreFunc].WrapFunc<int, int, int, int, int>()
            ?? throw new VtxPluginException(VtxErrorCode.InvalidComponent, $"Plugin '{Host.PluginId}': its realloc function is not (i32 i32 i32 i32) -> i32.", Host.PluginId);
        return (oldPointer, oldSize, align, size) =>
        {
            MayLeave = false;
            try
            {
                return function(oldPointer, oldSize, align, size);
            }
            finally
            {
                MayLeave = true;
            }
        };
    }

    public void Dispose()
    {
        foreach (var child in _children)
        {
            child.Dispose();
        }

        Handles.Dispose();
    }
}

/// <summary>A core instance at run time: a Wasmtime instance, or a bundle of core items (<c>(core instance (export …)*)</c>).</summary>
internal sealed class CoreInstanceValue
{
    private readonly Instance? _instance;
    private readonly IReadOnlyDictionary<string, object>? _items;

    public CoreInstanceValue(Instance instance) => _instance = instance;

    public CoreInstanceValue(IReadOnlyDictionary<string, object> items) => _items = items;

    public object Get(string name, CoreSort sort)
    {
        object? item = _items is not null
            ? _items.GetValueOrDefault(name)
            : sort switch
            {
                CoreSort.Func => _instance!.GetFunction(name),
                CoreSort.Memory => _instance!.GetMemory(name),
                CoreSort.Table => _instance!.GetTable(name),
                CoreSort.Global => _instance!.GetGlobal(name),
                _ => null,
            };
        return item ?? throw new InvalidOperationException($"core instance has no {sort} export '{name}'");
    }
}
