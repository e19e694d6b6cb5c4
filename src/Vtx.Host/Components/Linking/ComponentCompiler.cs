using Vtx.Host.Components.Binary;
using Vtx.Host.Components.Types;
using Wasmtime;

namespace Vtx.Host.Components.Linking;

/// <summary>
/// Compiles a parsed component for this host, following the component model's instantiation rules (Explainer.md): the
/// definitions are walked in order, building each index space as validation does, so that every index, export name, kind
/// and core signature is checked before anything runs. Core modules are compiled (through the caller's cache), types
/// resolved, imports bound to what the import provider gives (host interfaces at the top level, instantiation arguments
/// for nested components), and each definition becomes an <see cref="IStep"/> of instantiation.
/// </summary>
internal sealed class ComponentCompiler
{
    /// <summary>The module name under which lowered functions and resource built-ins are defined in the linker.</summary>
    private const string CanonModule = "$canon";

    private readonly Func<ReadOnlyMemory<byte>, Module> _compileModule;
    private readonly Linker _linker;
    private readonly Func<string, (StaticItem Item, object? Value)?> _imports;
    private readonly Scope _scope;
    private readonly List<IStep> _steps = [];
    private readonly Dictionary<string, StaticItem> _exports = new(StringComparer.Ordinal);
    private readonly Dictionary<string, object> _importValues = new(StringComparer.Ordinal);
    private readonly List<string> _coreFuncNames = [];
    private readonly object _identity = new();
    private bool _usesWasi;
    private static long s_names;

    private ComponentCompiler(Func<ReadOnlyMemory<byte>, Module> compileModule, Func<string, (StaticItem, object?)?> imports, Linker linker, Scope? outer)
    {
        _compileModule = compileModule;
        _linker = linker;
        _imports = imports;
        _scope = new Scope(outer);
    }

    /// <summary>Compiles a component.</summary>
    /// <param name="ast">The parsed component.</param>
    /// <param name="compileModule">Compiles (or takes from a cache) one core module.</param>
    /// <param name="imports">What each import name is bound to: its static description and, for host imports, its run-time value; null for an import nobody provides.</param>
    /// <param name="linker">Where the component's lowered functions and resource built-ins are defined (once; instances take them from it).</param>
    /// <param name="outer">The enclosing scope for a nested component.</param>
    /// <exception cref="LinkException">The graph is malformed, or uses an import or feature the host does not provide.</exception>
    public static CompiledComponent Compile(ComponentAst ast, Func<ReadOnlyMemory<byte>, Module> compileModule, Func<string, (StaticItem Item, object? Value)?> imports, Linker linker, Scope? outer = null)
    {
        var compiler = new ComponentCompiler(compileModule, imports, linker, outer);
        foreach (var definition in ast.Definitions)
        {
            compiler.Define(definition);
        }

        var s = compiler._scope;
        var counts = new IndexCounts(s.CoreInstances.Count, s.CoreFuncs.Count, s.CoreMemories, s.CoreTables, s.CoreGlobals, s.Funcs.Count, s.Instances.Count);
        return new CompiledComponent(compiler._steps, counts, compiler._exports, compiler._importValues, compiler._usesWasi, compiler._identity);
    }

    private void Define(Definition definition)
    {
        switch (definition)
        {
            case CoreModuleDefinition m:
                _scope.CoreModules.Add(new CompiledModule(_compileModule(m.Bytes), $"core module {_scope.CoreModules.Count}"));
                break;
            case CoreInstantiateDefinition i:
                CoreInstantiate(i);
                break;
            case CoreInlineInstanceDefinition i:
                CoreInline(i);
                break;
            case CoreTypeDefinition:
                break;
            case NestedComponentDefinition c:
                _scope.Components.Add(new ComponentItem(c.Component, _scope));
                break;
            case InstantiateDefinition i:
                Instantiate(i);
                break;
            case InlineInstanceDefinition i:
                InlineInstance(i);
                break;
            case AliasDefinition a:
                Alias(a.Alias);
                break;
            case TypeDefinition t:
                DefineType(t.Type);
                break;
            case CanonLiftDefinition l:
                Lift(l);
                break;
            case CanonLowerDefinition l:
                Lower(l);
                break;
            case CanonResourceDefinition r:
                ResourceBuiltin(r);
                break;
            case ImportDefinition i:
                Import(i);
                break;
            case ExportDefinition e:
                Export(e);
                break;
            case UnsupportedDefinition u:
                throw LinkException.Unsupported($"the component uses {u.What}, which this host does not support");
            default:
                throw LinkException.Unsupported($"the component uses {definition.GetType().Name}, which this host does not support");
        }
    }

    private void CoreInstantiate(CoreInstantiateDefinition definition)
    {
        var module = TypeResolution.At(_scope.CoreModules, definition.Module, "core module");
        var args = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var arg in definition.Args)
        {
            TypeResolution.At(_scope.CoreInstances, arg.Instance, "core instance");
            if (!args.TryAdd(arg.Name, (int)arg.Instance))
            {
                throw LinkException.Malformed($"{module.Name} is instantiated with two arguments named '{arg.Name}'");
            }
        }

        var sources = new List<CoreImportSource>();
        foreach (var import in module.Module.Imports)
        {
            if (!args.TryGetValue(import.ModuleName, out var instance))
            {
                throw LinkException.Malformed($"{module.Name} imports '{import.ModuleName}' '{import.Name}', but its instantiation gives no instance named '{import.ModuleName}'");
            }

            var (sort, signature) = CoreImportShape(import);
            var export = _scope.CoreInstances[instance].Exports.GetValueOrDefault(import.Name);
            if (export is null || export.Sort != sort || (signature is not null && export.Signature is not null && export.Signature != signature))
            {
                var found = export is null ? "nothing by that name" : $"a {export.Sort.ToString().ToLowerInvariant()} {export.Signature}";
                throw LinkException.Malformed($"{module.Name} imports '{import.ModuleName}' '{import.Name}' as a {sort.ToString().ToLowerInvariant()} {signature}, but core instance {instance} exports {found}");
            }

            sources.Add(new CoreImportSource(instance, import.Name, sort));
        }

        _steps.Add(new CoreInstantiateStep(_scope.CoreInstances.Count, module, [.. sources]));
        _scope.CoreInstances.Add(ModuleExports(module.Module));
    }

    /// <summary>The exports of a compiled module as a core instance exports them.</summary>
    public static CoreInstanceInfo ModuleExports(Module module) =>
        new(module.Exports.ToDictionary(e => e.Name, e => e switch
        {
            FunctionExport f => new CoreExportInfo(CoreSort.Func, new CoreSignature([.. f.Parameters], [.. f.Results])),
            MemoryExport => new CoreExportInfo(CoreSort.Memory, null),
            TableExport => new CoreExportInfo(CoreSort.Table, null),
            _ => new CoreExportInfo(CoreSort.Global, null),
        }, StringComparer.Ordinal));

    private static (CoreSort Sort, CoreSignature? Signature) CoreImportShape(Import import) => import switch
    {
        FunctionImport f => (CoreSort.Func, new CoreSignature([.. f.Parameters], [.. f.Results])),
        MemoryImport => (CoreSort.Memory, null),
        TableImport => (CoreSort.Table, null),
        GlobalImport => (CoreSort.Global, null),
        _ => throw LinkException.Unsupported($"a core module imports '{import.ModuleName}' '{import.Name}' of a kind this host does not support"),
    };

    private void CoreInline(CoreInlineInstanceDefinition definition)
    {
        var exports = new Dictionary<string, CoreExportInfo>(StringComparer.Ordinal);
        var items = new List<(string, CoreSort, int)>();
        foreach (var export in definition.Exports)
        {
            var signature = export.Sort switch
            {
                CoreSort.Func => TypeResolution.At(_scope.CoreFuncs, export.Index, "core func"),
                CoreSort.Memory => CheckCount(_scope.CoreMemories, export.Index, "core memory"),
                CoreSort.Table => CheckCount(_scope.CoreTables, export.Index, "core table"),
                CoreSort.Global => CheckCount(_scope.CoreGlobals, export.Index, "core global"),
                _ => throw LinkException.Unsupported($"a core instance exports a {export.Sort}, which this host does not support"),
            };
            if (!exports.TryAdd(export.Name, new CoreExportInfo(export.Sort, signature)))
            {
                throw LinkException.Malformed($"a core instance exports '{export.Name}' twice");
            }

            items.Add((export.Name, export.Sort, (int)export.Index));
        }

        _steps.Add(new CoreInlineStep(_scope.CoreInstances.Count, [.. items]));
        _scope.CoreInstances.Add(new CoreInstanceInfo(exports));
    }

    private static CoreSignature? CheckCount(int count, uint index, string what) =>
        index < (uint)count ? null : throw LinkException.Malformed($"{what} index {index} is out of range (there are {count})");

    private void Instantiate(InstantiateDefinition definition)
    {
        var component = TypeResolution.At(_scope.Components, definition.Component, "component");
        var (statics, runtime) = Items(definition.Args, name => $"component {definition.Component} is instantiated with two arguments named '{name}'");
        var inner = Compile(component.Ast, _compileModule,
            name => statics.TryGetValue(name, out var item) ? (item, null) : null, _linker, component.Outer);
        _usesWasi |= inner.UsesWasi;
        _steps.Add(new InstantiateStep(_scope.Instances.Count, inner, runtime));
        _scope.Instances.Add(new InstanceItem($"instance {_scope.Instances.Count}", inner.Exports));
    }

    private void InlineInstance(InlineInstanceDefinition definition)
    {
        var (statics, runtime) = Items(definition.Exports, name => $"an instance exports '{name}' twice");
        _steps.Add(new InlineInstanceStep(_scope.Instances.Count, runtime));
        _scope.Instances.Add(new InstanceItem($"instance {_scope.Instances.Count}", statics));
    }

    /// <summary>Named items (instantiation arguments or inline exports): their static descriptions, and the run-time references of the functions and instances among them.</summary>
    private (Dictionary<string, StaticItem> Statics, (string Name, ItemRef Item)[] Runtime) Items(IEnumerable<InstantiateArg> items, Func<string, string> duplicate)
    {
        var statics = new Dictionary<string, StaticItem>(StringComparer.Ordinal);
        var runtime = new List<(string, ItemRef)>();
        foreach (var named in items)
        {
            var (item, reference) = Item(named.Item);
            if (!statics.TryAdd(named.Name, item))
            {
                throw LinkException.Malformed(duplicate(named.Name));
            }

            if (reference is { } r)
            {
                runtime.Add((named.Name, r));
            }
        }

        return (statics, [.. runtime]);
    }

    /// <summary>The static description of a component-level item and, for functions and instances, its run-time reference.</summary>
    private (StaticItem Item, ItemRef? Reference) Item(SortIndex index) => index.Sort.Kind switch
    {
        ComponentSort.Func => (TypeResolution.At(_scope.Funcs, index.Index, "func"), new ItemRef(Sort.Func, (int)index.Index)),
        ComponentSort.Instance => (TypeResolution.At(_scope.Instances, index.Index, "instance"), new ItemRef(Sort.Instance, (int)index.Index)),
        ComponentSort.Type => (new TypeItem(TypeResolution.At(_scope.Types, index.Index, "type")), null),
        ComponentSort.Component => (TypeResolution.At(_scope.Components, index.Index, "component"), null),
        _ => throw LinkException.Unsupported($"a {index.Sort} is passed between components, which this host does not support"),
    };

    private void Alias(Alias alias)
    {
        switch (alias)
        {
            case InstanceExportAlias a:
                var instance = TypeResolution.At(_scope.Instances, a.Instance, "instance");
                var item = instance.Exports.GetValueOrDefault(a.Name)
                    ?? throw LinkException.Malformed($"instance {a.Instance} ({instance.Name}) has no export '{a.Name}'");
                AddAliasedItem(a, item);
                break;
            case CoreInstanceExportAlias a:
                var core = TypeResolution.At(_scope.CoreInstances, a.Instance, "core instance");
                var export = core.Exports.GetValueOrDefault(a.Name);
                if (export is null || a.Sort.Kind != ComponentSort.Core || export.Sort != a.Sort.Core)
                {
                    throw LinkException.Malformed($"core instance {a.Instance} has no {a.Sort} export '{a.Name}'");
                }

                _steps.Add(new CoreAliasStep((int)a.Instance, a.Name, export.Sort, AddCore(export.Sort, export.Signature, a.Name)));
                break;
            case OuterAlias a:
                var scope = _scope.OuterBy(a.Count, LinkException.Malformed);
                switch (a.Sort)
                {
                    case { Kind: ComponentSort.Type }:
                        _scope.Types.Add(TypeResolution.At(scope.Types, a.Index, "outer type"));
                        break;
                    case { Kind: ComponentSort.Component }:
                        _scope.Components.Add(TypeResolution.At(scope.Components, a.Index, "outer component"));
                        break;
                    case { Kind: ComponentSort.Core, Core: CoreSort.Module }:
                        _scope.CoreModules.Add(TypeResolution.At(scope.CoreModules, a.Index, "outer core module"));
                        break;
                    case { Kind: ComponentSort.Core, Core: CoreSort.Type }:
                        break;
                    default:
                        throw LinkException.Malformed($"an outer alias of a {a.Sort}, which only types, modules and components may be");
                }

                break;
        }
    }

    private void AddAliasedItem(InstanceExportAlias alias, StaticItem item)
    {
        switch (alias.Sort.Kind, item)
        {
            case (ComponentSort.Func, FuncItem f):
                _steps.Add(new AliasStep((int)alias.Instance, alias.Name, Sort.Func, _scope.Funcs.Count));
                _scope.Funcs.Add(new FuncItem(alias.Name, f.Type ?? throw LinkException.Malformed($"function '{alias.Name}' has no known type")));
                break;
            case (ComponentSort.Instance, InstanceItem i):
                _steps.Add(new AliasStep((int)alias.Instance, alias.Name, Sort.Instance, _scope.Instances.Count));
                _scope.Instances.Add(i);
                break;
            case (ComponentSort.Type, TypeItem t):
                _scope.Types.Add(t.Type);
                break;
            case (ComponentSort.Component, ComponentItem c):
                _scope.Components.Add(c);
                break;
            default:
                throw LinkException.Malformed($"alias of '{alias.Name}' as a {alias.Sort}, but the instance exports a {item.GetType().Name.Replace("Item", "", StringComparison.Ordinal).ToLowerInvariant()}");
        }
    }

    /// <summary>A name for a function defined in the linker, unique across compilations (nested components share the linker).</summary>
    private static string Unique() => Interlocked.Increment(ref s_names).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Adds a core item to its index space; gives its index.</summary>
    private int AddCore(CoreSort sort, CoreSignature? signature, string name)
    {
        switch (sort)
        {
            case CoreSort.Func:
                _scope.CoreFuncs.Add(signature);
                _coreFuncNames.Add(name);
                return _scope.CoreFuncs.Count - 1;
            case CoreSort.Memory:
                return _scope.CoreMemories++;
            case CoreSort.Table:
                return _scope.CoreTables++;
            case CoreSort.Global:
                return _scope.CoreGlobals++;
            default:
                throw LinkException.Unsupported($"a core {sort} alias, which this host does not support");
        }
    }

    private void DefineType(TypeForm form)
    {
        if (form is not ResourceForm resource)
        {
            _scope.Types.Add(TypeResolution.Resolve(form, _scope));
            return;
        }

        if (resource.Representation != 0x7f)
        {
            throw LinkException.Unsupported("a resource type with a representation other than i32");
        }

        var type = ResourceType.Guest($"resource {_scope.Types.Count}", _identity);
        if (resource.Destructor is { } destructor)
        {
            var signature = TypeResolution.At(_scope.CoreFuncs, destructor, "core func");
            if (signature is not null && signature != new CoreSignature([ValueKind.Int32], []))
            {
                throw LinkException.Malformed($"the destructor of {type.Name} is {signature}, not (i32) -> ()");
            }

            _steps.Add(new DestructorStep(type, (int)destructor));
        }

        _scope.Types.Add(type);
    }

    private void Lift(CanonLiftDefinition definition)
    {
        var type = TypeResolution.Func(definition.Type, _scope);
        var signature = TypeResolution.At(_scope.CoreFuncs, definition.CoreFunc, "core func");
        var name = _coreFuncNames[(int)definition.CoreFunc];
        if (signature is not null && signature != type.LiftSignature)
        {
            throw LinkException.Malformed($"canon lift of core function '{name}' as {type}: the core function is {signature}, the type needs {type.LiftSignature}");
        }

        var options = Options(definition.Options, type, lift: true, name);
        _steps.Add(new LiftStep(_scope.Funcs.Count, new LiftPlan(type, options, name, (int)definition.CoreFunc)));
        _scope.Funcs.Add(new FuncItem(name, type));
    }

    private void Lower(CanonLowerDefinition definition)
    {
        var function = TypeResolution.At(_scope.Funcs, definition.Func, "func");
        var type = function.Type!;
        var options = Options(definition.Options, type, lift: false, function.Name);
        var name = Unique();
        new LowerPlan(type, options, function.Name, (int)definition.Func, _identity).Define(_linker, CanonModule, name);
        _steps.Add(new LinkerFuncStep(_scope.CoreFuncs.Count, _linker, CanonModule, name));
        AddCore(CoreSort.Func, type.LowerSignature, function.Name);
    }

    private CanonOptions Options(CanonOptionsForm form, FuncType type, bool lift, string name)
    {
        if (form.Async || form.Callback is not null)
        {
            throw LinkException.Unsupported($"'{name}' uses the async canonical ABI, which this host does not support");
        }

        int? memory = form.Memory is { } m ? (int)m : null;
        if (memory is { } index)
        {
            CheckCount(_scope.CoreMemories, (uint)index, "core memory");
        }

        int? realloc = form.Realloc is { } r ? CheckFunc(r, new CoreSignature([ValueKind.Int32, ValueKind.Int32, ValueKind.Int32, ValueKind.Int32], [ValueKind.Int32]), "realloc") : null;
        int? postReturn = null;
        if (form.PostReturn is { } p)
        {
            if (!lift)
            {
                throw LinkException.Malformed($"canon lower of '{name}' has a post-return function");
            }

            postReturn = CheckFunc(p, new CoreSignature(type.LiftSignature.Results, []), "post-return");
        }

        var needsMemory = type.ParamsInMemory || type.ResultInMemory || type.Params.Any(p => UsesMemory(p.Type)) || (type.Result is { } result && UsesMemory(result));
        if (needsMemory && memory is null)
        {
            throw LinkException.Malformed($"canon {(lift ? "lift" : "lower")} of '{name}' passes values through memory but names no memory");
        }

        return new CanonOptions(form.Encoding, memory, realloc, postReturn);
    }

    private int CheckFunc(uint index, CoreSignature expected, string what)
    {
        var signature = TypeResolution.At(_scope.CoreFuncs, index, "core func");
        return signature is null || signature == expected
            ? (int)index
            : throw LinkException.Malformed($"the {what} function '{_coreFuncNames[(int)index]}' is {signature}, not {expected}");
    }

    private static bool UsesMemory(WitType type) => type switch
    {
        PrimType p => p.Kind == PrimKind.String,
        ListType => true,
        RecordType r => r.Fields.Any(f => UsesMemory(f.Type)),
        VariantType v => v.Cases.Any(c => c.Type is not null && UsesMemory(c.Type)),
        _ => false,
    };

    private void ResourceBuiltin(CanonResourceDefinition definition)
    {
        var resource = TypeResolution.At(_scope.Types, definition.Type, "type") as ResourceType
            ?? throw LinkException.Malformed($"canon resource.{definition.Builtin.ToString().ToLowerInvariant()} of type {definition.Type}, which is not a resource type");
        if (definition.Builtin != Binary.ResourceBuiltin.Drop && !ReferenceEquals(resource.DefinedBy, _identity))
        {
            throw LinkException.Malformed($"canon resource.{definition.Builtin.ToString().ToLowerInvariant()} of {resource.Name}, which this component does not define");
        }

        var signature = definition.Builtin == Binary.ResourceBuiltin.Drop ? new CoreSignature([ValueKind.Int32], []) : new CoreSignature([ValueKind.Int32], [ValueKind.Int32]);
        var name = Unique();
        CanonResource.Define(_linker, CanonModule, name, definition.Builtin, resource, _identity);
        _steps.Add(new LinkerFuncStep(_scope.CoreFuncs.Count, _linker, CanonModule, name));
        AddCore(CoreSort.Func, signature, $"[resource-{definition.Builtin.ToString().ToLowerInvariant()}]{resource.Name}");
    }

    private void Import(ImportDefinition definition)
    {
        var name = definition.Name;
        var type = definition.Type;
        if (type is { Kind: ComponentSort.Type, Bound.EqualTo: { } equal })
        {
            _scope.Types.Add(TypeResolution.At(_scope.Types, equal, "type"));
            return;
        }

        var (provided, value) = _imports(name)
            ?? throw LinkException.Unsupported($"the component imports '{name}', which world plugin of vtx:api@1.2.6 and WASI 0.2 do not provide");
        _usesWasi |= name.StartsWith("wasi:", StringComparison.Ordinal);
        if (value is not null)
        {
            _importValues[name] = value;
        }

        switch (type.Kind)
        {
            case ComponentSort.Instance when TypeResolution.At(_scope.Types, type.TypeIndex, "type") is DeferredInstanceType declared && provided is InstanceItem instance:
                _steps.Add(new ImportStep(name, Sort.Instance, _scope.Instances.Count));
                _scope.Instances.Add(TypeResolution.Bind(declared, instance, name));
                break;
            case ComponentSort.Func when provided is FuncItem function:
                var declaredType = TypeResolution.Func(type.TypeIndex, _scope);
                if (function.Type is { } actual && !TypeEquality.Equal(declaredType, actual))
                {
                    throw LinkException.Unsupported($"the component imports function '{name}' as {declaredType}, but it is {actual}");
                }

                _steps.Add(new ImportStep(name, Sort.Func, _scope.Funcs.Count));
                _scope.Funcs.Add(new FuncItem(name, declaredType));
                break;
            case ComponentSort.Type when provided is TypeItem { Type: ResourceType resource }:
                _scope.Types.Add(resource);
                break;
            case ComponentSort.Component when provided is ComponentItem component:
                _scope.Components.Add(component);
                break;
            default:
                throw LinkException.Unsupported($"the component imports '{name}' as a {type}, but it is given a {provided.GetType().Name.Replace("Item", "", StringComparison.Ordinal).ToLowerInvariant()}");
        }
    }

    private void Export(ExportDefinition definition)
    {
        var name = definition.Name;
        var (item, reference) = Item(definition.Item);
        if (definition.Type is { Kind: ComponentSort.Func } ascribed && item is FuncItem f && !TypeEquality.Equal(TypeResolution.Func(ascribed.TypeIndex, _scope), f.Type!))
        {
            throw LinkException.Malformed($"export '{name}' is ascribed a type other than its function's");
        }

        switch (item)
        {
            case FuncItem function:
                _steps.Add(new ExportStep(name, reference!.Value, _scope.Funcs.Count));
                item = new FuncItem(name, function.Type);
                _scope.Funcs.Add((FuncItem)item);
                break;
            case InstanceItem instance:
                _steps.Add(new ExportStep(name, reference!.Value, _scope.Instances.Count));
                _scope.Instances.Add(instance);
                break;
            case TypeItem type:
                _scope.Types.Add(type.Type);
                break;
            case ComponentItem component:
                _scope.Components.Add(component);
                break;
        }

        if (!_exports.TryAdd(name, item))
        {
            throw LinkException.Malformed($"the component exports '{name}' twice");
        }
    }
}
