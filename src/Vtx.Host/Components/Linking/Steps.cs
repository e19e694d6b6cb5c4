using Vtx.Host.Components.Binary;
using Vtx.Host.Components.Types;
using Wasmtime;

namespace Vtx.Host.Components.Linking;

/// <summary>Where an import of a core module comes from: the export <see cref="Name"/> of core instance <see cref="Instance"/> (a <c>with</c> argument).</summary>
internal sealed record CoreImportSource(int Instance, string Name, CoreSort Sort)
{
    public object Resolve(ComponentInstance instance) => instance.CoreInstances[Instance].Get(Name, Sort);
}

/// <summary>
/// A bare core module instantiated by a Wasmtime linker that defines all its imports (the lowered world imports and
/// WASI preview1): one native call, the cheapest instantiation there is.
/// </summary>
internal sealed record LinkerInstantiateStep(int Target, Linker Linker, Module Module) : IStep
{
    public void Run(ComponentInstance instance) =>
        instance.CoreInstances[Target] = new CoreInstanceValue(Linker.Instantiate(instance.Store, Module));
}

/// <summary><c>(core instance (instantiate m (with …)*))</c>: a Wasmtime instance; start functions run here.</summary>
internal sealed record CoreInstantiateStep(int Target, CompiledModule Module, CoreImportSource[] Imports) : IStep
{
    public void Run(ComponentInstance instance)
    {
        var items = new object[Imports.Length];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = Imports[i].Resolve(instance);
        }

        instance.CoreInstances[Target] = new CoreInstanceValue(new Instance(instance.Store, Module.Module, items));
    }
}

/// <summary><c>(core instance (export name (sort idx))*)</c>.</summary>
internal sealed record CoreInlineStep(int Target, (string Name, CoreSort Sort, int Index)[] Exports) : IStep
{
    public void Run(ComponentInstance instance)
    {
        var items = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (name, sort, index) in Exports)
        {
            items[name] = sort switch
            {
                CoreSort.Func => instance.CoreFunc(index),
                CoreSort.Memory => instance.CoreMemory(index),
                CoreSort.Table => instance.CoreTables[index],
                _ => instance.CoreGlobals[index],
            };
        }

        instance.CoreInstances[Target] = new CoreInstanceValue(items);
    }
}

/// <summary><c>(alias core export i "name" (core sort))</c>; functions and memories are looked up on first use.</summary>
internal sealed record CoreAliasStep(int Instance, string Name, CoreSort Sort, int Target) : IStep
{
    public void Run(ComponentInstance instance)
    {
        var source = instance.CoreInstances[Instance];
        switch (Sort)
        {
            case CoreSort.Func: instance.SetCoreFunc(Target, new CoreExportRef(source, Name, Sort)); break;
            case CoreSort.Memory: instance.SetCoreMemory(Target, new CoreExportRef(source, Name, Sort)); break;
            case CoreSort.Table: instance.CoreTables[Target] = (Table)source.Get(Name, Sort); break;
            default: instance.CoreGlobals[Target] = (Global)source.Get(Name, Sort); break;
        }
    }
}

/// <summary>
/// A core function defined once in the compiled component's linker (<c>canon lower</c>, or a resource built-in), taken into
/// the store: one native call, no per-instance delegate.
/// </summary>
internal sealed record LinkerFuncStep(int Target, Linker Linker, string Module, string Name) : IStep
{
    public void Run(ComponentInstance instance) =>
        instance.SetCoreFunc(Target, Linker.GetFunction(instance.Store, Module, Name) ?? throw new InvalidOperationException($"the linker defines no {Module} {Name}"));
}

/// <summary><c>(canon lift f opts (type t))</c>: a component function that calls a core function.</summary>
internal sealed record LiftStep(int Target, LiftPlan Plan) : IStep
{
    public void Run(ComponentInstance instance) => instance.Funcs[Target] = new LiftedFunction(instance, Plan);
}

/// <summary>Records the core destructor of a resource type the component defines.</summary>
internal sealed record DestructorStep(ResourceType Resource, int CoreFunc) : IStep
{
    public void Run(ComponentInstance instance) => instance.Destructors[Resource] = instance.CoreFunc(CoreFunc);
}

/// <summary>An imported function or instance, from the values the instance was created with.</summary>
internal sealed record ImportStep(string Name, Sort Sort, int Target) : IStep
{
    public void Run(ComponentInstance instance)
    {
        var value = instance.Imports[Name];
        if (Sort == Sort.Func)
        {
            instance.Funcs[Target] = (ComponentFunction)value;
        }
        else
        {
            instance.Instances[Target] = (InstanceValue)value;
        }
    }
}

/// <summary><c>(alias export i "name" (func|instance))</c>.</summary>
internal sealed record AliasStep(int Instance, string Name, Sort Sort, int Target) : IStep
{
    public void Run(ComponentInstance instance)
    {
        var source = instance.Instances[Instance];
        if (Sort == Sort.Func)
        {
            instance.Funcs[Target] = source.Get<ComponentFunction>(Name);
        }
        else
        {
            instance.Instances[Target] = source.Get<InstanceValue>(Name);
        }
    }
}

/// <summary>A component-level item reference: a function or an instance index.</summary>
internal readonly record struct ItemRef(Sort Sort, int Index)
{
    public object Get(ComponentInstance instance) => Sort == Sort.Func ? instance.Funcs[Index] : instance.Instances[Index];
}

/// <summary><c>(instance (instantiate c (with …)*))</c> of a nested component.</summary>
internal sealed record InstantiateStep(int Target, CompiledComponent Component, (string Name, ItemRef Item)[] Args) : IStep
{
    public void Run(ComponentInstance instance)
    {
        var imports = Args.ToDictionary(a => a.Name, a => a.Item.Get(instance), StringComparer.Ordinal);
        instance.Instances[Target] = new InstanceValue(instance.InstantiateChild(Component, imports).Exports);
    }
}

/// <summary><c>(instance (export name (sort idx))*)</c>.</summary>
internal sealed record InlineInstanceStep(int Target, (string Name, ItemRef Item)[] Exports) : IStep
{
    public void Run(ComponentInstance instance) =>
        instance.Instances[Target] = new InstanceValue(Exports.ToDictionary(e => e.Name, e => e.Item.Get(instance), StringComparer.Ordinal));
}

/// <summary>An export: records it by name and gives it a new index in its sort.</summary>
internal sealed record ExportStep(string Name, ItemRef Source, int Target) : IStep
{
    public void Run(ComponentInstance instance)
    {
        var value = Source.Get(instance);
        if (Source.Sort == Sort.Func)
        {
            instance.Funcs[Target] = (ComponentFunction)value;
        }
        else
        {
            instance.Instances[Target] = (InstanceValue)value;
        }

        instance.Exports[Name] = value;
    }
}

/// <summary>Calls a bare core module's <c>_initialize</c> export, as wit-component's start shim would.</summary>
internal sealed record InitializeStep(int CoreInstance) : IStep
{
    public void Run(ComponentInstance instance)
    {
        var initialize = (Function)instance.CoreInstances[CoreInstance].Get("_initialize", CoreSort.Func);
        initialize.Invoke();
    }
}
