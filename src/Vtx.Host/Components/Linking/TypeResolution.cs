using Vtx.Host.Components.Binary;
using Vtx.Host.Components.Types;

namespace Vtx.Host.Components.Linking;

/// <summary>An instance type not resolved yet: its declarators are resolved when an instance is bound to it.</summary>
internal sealed record DeferredInstanceType(InstanceTypeForm Form, Scope Scope);

/// <summary>A type the host does not support (kept in the index space; using it refuses the component).</summary>
internal sealed record UnsupportedType(string What);

/// <summary>
/// Resolves type definitions in a scope into <see cref="WitType"/>, <see cref="FuncType"/> and friends, and binds an
/// imported instance's declared type to the instance given for it: fresh resource types (<c>sub resource</c>) become
/// the given instance's resources, and every declared function must exist there (with the same type when the host
/// declares one).
/// </summary>
internal static class TypeResolution
{
    public static object Resolve(TypeForm form, Scope scope) => form switch
    {
        PrimForm p => PrimType.Of(p.Kind),
        RecordForm r => r.Fields.Count == 0 ? throw LinkException.Malformed("a record has no fields")
            : new RecordType(r.Fields.Select(f => new Field(f.Label, Value(f.Type, scope))).ToList()),
        VariantForm v => v.Cases.Count == 0 ? throw LinkException.Malformed("a variant has no cases")
            : new VariantType(v.Cases.Select(c => new Case(c.Label, c.Type is { } t ? Value(t, scope) : null)).ToList()),
        ListForm l => new ListType(Value(l.Element, scope)),
        TupleForm t => t.Items.Count == 0 ? throw LinkException.Malformed("a tuple has no items") : RecordType.Tuple(t.Items.Select(i => Value(i, scope)).ToArray()),
        FlagsForm f => f.Labels.Count is 0 or > 32 ? throw LinkException.Malformed($"flags have {f.Labels.Count} labels (1 to 32 allowed)") : new FlagsType(f.Labels),
        EnumForm e => e.Labels.Count == 0 ? throw LinkException.Malformed("an enum has no cases") : VariantType.Enum(e.Labels),
        OptionForm o => VariantType.Option(Value(o.Type, scope)),
        ResultForm r => VariantType.Result(r.Ok is { } ok ? Value(ok, scope) : null, r.Error is { } error ? Value(error, scope) : null),
        HandleForm h => new HandleType(At(scope.Types, h.ResourceIndex, "type") as ResourceType
            ?? throw LinkException.Malformed($"own/borrow refers to type {h.ResourceIndex}, which is not a resource type"), h.Own),
        UnsupportedForm u => new UnsupportedType(u.What),
        FuncForm f => f.Async ? new UnsupportedType("an async function type")
            : new FuncType(f.Params.Select(p => new Field(p.Label, Value(p.Type, scope))).ToList(), f.Result is { } result ? Value(result, scope) : null),
        InstanceTypeForm i => new DeferredInstanceType(i, scope),
        ComponentTypeForm => new UnsupportedType("a component type (components as imports or exports)"),
        ResourceForm => throw LinkException.Malformed("a resource type is defined inside a type declaration"),
        _ => throw LinkException.Malformed($"unknown type form {form.GetType().Name}"),
    };

    public static WitType Value(ValTypeRef reference, Scope scope)
    {
        if (reference.Primitive is { } primitive)
        {
            return PrimType.Of(primitive);
        }

        return At(scope.Types, reference.Index, "type") switch
        {
            WitType type => type,
            UnsupportedType u => throw LinkException.Unsupported($"the component uses {u.What}, which this host does not support"),
            var other => throw LinkException.Malformed($"type {reference.Index} is used as a value type but is a {Describe(other)}"),
        };
    }

    public static FuncType Func(uint index, Scope scope) => At(scope.Types, index, "type") switch
    {
        FuncType type => type,
        UnsupportedType u => throw LinkException.Unsupported($"the component uses {u.What}, which this host does not support"),
        var other => throw LinkException.Malformed($"type {index} is used as a function type but is a {Describe(other)}"),
    };

    /// <summary>The view of <paramref name="actual"/> through its declared instance type (what the importing component may use).</summary>
    public static InstanceItem Bind(DeferredInstanceType declared, InstanceItem actual, string importName)
    {
        var local = new Scope(declared.Scope);
        var exports = new Dictionary<string, StaticItem>(StringComparer.Ordinal);
        foreach (var declaration in declared.Form.Declarations)
        {
            switch (declaration)
            {
                case CoreTypeDeclaration:
                    break;
                case TypeDeclaration t:
                    local.Types.Add(Resolve(t.Type, local));
                    break;
                case AliasDeclaration { Alias: OuterAlias { Sort.Kind: ComponentSort.Type } outer }:
                    local.Types.Add(At(local.OuterBy(outer.Count, LinkException.Malformed).Types, outer.Index, "outer type"));
                    break;
                case AliasDeclaration a:
                    throw LinkException.Unsupported($"an instance type for '{importName}' declares a {a.Alias.Sort} alias, which this host does not support");
                case ExportDeclaration e:
                    exports[e.Name] = BindExport(e, local, actual, importName);
                    break;
                default:
                    throw LinkException.Malformed($"an instance type for '{importName}' has an import declarator");
            }
        }

        return new InstanceItem(importName, exports);
    }

    private static StaticItem BindExport(ExportDeclaration export, Scope local, InstanceItem actual, string importName)
    {
        var name = export.Name;
        var given = actual.Exports.GetValueOrDefault(name);
        switch (export.Type.Kind)
        {
            case ComponentSort.Type when export.Type.Bound.IsSubResource:
                var resource = (given as TypeItem)?.Type as ResourceType
                    ?? throw LinkException.Unsupported($"the component imports resource '{name}' of '{importName}', which {actual.Name} does not provide");
                local.Types.Add(resource);
                return new TypeItem(resource);
            case ComponentSort.Type:
                var type = At(local.Types, export.Type.Bound.EqualTo!.Value, "type");
                local.Types.Add(type);
                return new TypeItem(type);
            case ComponentSort.Func:
                var declared = Func(export.Type.TypeIndex, local);
                if (given is not FuncItem function)
                {
                    throw LinkException.Unsupported($"the component imports function '{name}' of '{importName}', which {actual.Name} does not provide");
                }

                if (function.Type is { } provided && !TypeEquality.Equal(declared, provided))
                {
                    throw LinkException.Unsupported($"the component imports '{importName}' function '{name}' as {declared}, but it is {provided}");
                }

                return new FuncItem(name, declared);
            case ComponentSort.Instance when At(local.Types, export.Type.TypeIndex, "type") is DeferredInstanceType nested:
                return Bind(nested, given as InstanceItem
                    ?? throw LinkException.Unsupported($"the component imports instance '{name}' of '{importName}', which {actual.Name} does not provide"), $"{importName}/{name}");
            default:
                throw LinkException.Unsupported($"the component imports a {export.Type} '{name}' of '{importName}', which this host does not support");
        }
    }

    public static T At<T>(List<T> items, uint index, string what) =>
        index < (uint)items.Count ? items[(int)index] : throw LinkException.Malformed($"{what} index {index} is out of range (there are {items.Count})");

    private static string Describe(object item) => item switch
    {
        FuncType => "function type",
        ResourceType => "resource type",
        DeferredInstanceType => "instance type",
        _ => item.GetType().Name,
    };
}
