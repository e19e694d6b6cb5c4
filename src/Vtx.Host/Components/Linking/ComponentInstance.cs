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
    private readonly Dictionary<object, ComponentInstance> _descendants;
    private readonly object[] _coreFuncs;
    private readonly object[] _coreMemories;
    private readonly Dictionary<CanonOptions, AbiContext> _contexts = [];

    private ComponentInstance(CompiledComponent compiled, Store store, HostContext host, IReadOnlyDictionary<string, object> imports, Dictionary<ResourceType, Function> destructors, Dictionary<object, ComponentInstance> descendants)
    {
        Destructors = destructors;
        _descendants = descendants;
        Compiled = compiled;
        Store = store;
        Host = host;
        Imports = imports;
        var counts = compiled.Counts;
        CoreInstances = new CoreInstanceValue[counts.CoreInstances];
        _coreFuncs = new object[counts.CoreFuncs];
        _coreMemories = new object[counts.CoreMemories];
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

    /// <summary>
    /// Instantiates <paramref name="compiled"/> as the store's root instance (the store's data, which linker-defined host
    /// functions find it by): runs its steps; a trap in a start function or core instantiation propagates.
    /// </summary>
    public static ComponentInstance Instantiate(CompiledComponent compiled, Store store, HostContext host, IReadOnlyDictionary<string, object> imports) =>
        Instantiate(compiled, store, host, imports, [], [], root: true);

    /// <summary>
    /// The instance of the compiled component <paramref name="owner"/> in the caller's store, for host functions defined
    /// once in a linker: the store's data is the root instance; nested instances are found by their compiled component
    /// (each instantiation site compiles its own, so there is one instance per owner in a store).
    /// </summary>
    public static ComponentInstance Of(Caller caller, object owner)
    {
        var root = (ComponentInstance)caller.GetData()!;
        return ReferenceEquals(root.Compiled.Identity, owner) ? root : root._descendants[owner];
    }

    /// <summary>Core function <paramref name="index"/>, looked up in its core instance on first use.</summary>
    public Function CoreFunc(int index) => (Function)Resolve(_coreFuncs, index);

    /// <summary>Core memory <paramref name="index"/>, looked up in its core instance on first use.</summary>
    public Memory CoreMemory(int index) => (Memory)Resolve(_coreMemories, index);

    /// <summary>Defines core function <paramref name="index"/>: a function, or a <see cref="CoreExportRef"/> resolved on first use.</summary>
    public void SetCoreFunc(int index, object function) => _coreFuncs[index] = function;

    /// <summary>Defines core memory <paramref name="index"/>: a memory, or a <see cref="CoreExportRef"/> resolved on first use.</summary>
    public void SetCoreMemory(int index, object memory) => _coreMemories[index] = memory;

    private static object Resolve(object[] items, int index) =>
        items[index] is CoreExportRef reference ? items[index] = reference.Resolve() : items[index];

    private static ComponentInstance Instantiate(CompiledComponent compiled, Store store, HostContext host, IReadOnlyDictionary<string, object> imports,
        Dictionary<ResourceType, Function> destructors, Dictionary<object, ComponentInstance> descendants, bool root)
    {
        var instance = new ComponentInstance(compiled, store, host, imports, destructors, descendants);
        if (root)
        {
            store.SetData(instance);
        }
        else
        {
            descendants[compiled.Identity] = instance;
        }

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
        var child = Instantiate(compiled, Store, Host, imports, Destructors, _descendants, root: false);
        _children.Add(child);
        return child;
    }

    /// <summary>The canonical-ABI context of options of this instance (one per distinct options): memory and realloc are resolved on first use.</summary>
    public AbiContext Context(CanonOptions options)
    {
        if (_contexts.TryGetValue(options, out var context))
        {
            return context;
        }

        var memory = options.Memory is { } m
            ? (Func<GuestMemory?>)(() => new GuestMemory(CoreMemory(m), options.Realloc is { } r ? Realloc(r) : null, Host.PluginId))
            : () => null;
        return _contexts[options] = new AbiContext(memory, options.Encoding, Handles, Compiled.Identity, Host.PluginId);
    }

    /// <summary>A core <c>realloc</c> as a delegate; imports may not be called while it runs.</summary>
    private Func<int, int, int, int, int> Realloc(int coreFunc)
    {
        var function = CoreFunc(coreFunc).WrapFunc<int, int, int, int, int>()
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

/// <summary>An export of a core instance not looked up yet (lookups cost a native call; most aliases are used once or never).</summary>
internal sealed record CoreExportRef(CoreInstanceValue Instance, string Name, CoreSort Sort)
{
    public object Resolve() => Instance.Get(Name, Sort);
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
