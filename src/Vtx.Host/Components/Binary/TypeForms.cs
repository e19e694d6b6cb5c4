namespace Vtx.Host.Components.Binary;

/// <summary>The primitive value types (Binary.md, <c>primvaltype</c>).</summary>
internal enum PrimKind : byte
{
    Bool,
    S8,
    U8,
    S16,
    U16,
    S32,
    U32,
    S64,
    U64,
    F32,
    F64,
    Char,
    String,
}

/// <summary>A value type as written in the binary: a primitive, or an index in the type index space.</summary>
internal readonly record struct ValTypeRef(PrimKind? Primitive, uint Index)
{
    public static ValTypeRef Prim(PrimKind kind) => new(kind, 0);

    public static ValTypeRef Indexed(uint index) => new(null, index);
}

/// <summary>A type definition (Binary.md, <c>deftype</c>) before resolution.</summary>
internal abstract record TypeForm;

/// <summary>A named record field or function parameter.</summary>
internal sealed record LabeledType(string Label, ValTypeRef Type);

/// <summary>A variant case; <see cref="Type"/> is null for a case without payload.</summary>
internal sealed record CaseForm(string Label, ValTypeRef? Type);

internal sealed record PrimForm(PrimKind Kind) : TypeForm;

internal sealed record RecordForm(IReadOnlyList<LabeledType> Fields) : TypeForm;

internal sealed record VariantForm(IReadOnlyList<CaseForm> Cases) : TypeForm;

internal sealed record ListForm(ValTypeRef Element) : TypeForm;

internal sealed record TupleForm(IReadOnlyList<ValTypeRef> Items) : TypeForm;

internal sealed record FlagsForm(IReadOnlyList<string> Labels) : TypeForm;

internal sealed record EnumForm(IReadOnlyList<string> Labels) : TypeForm;

internal sealed record OptionForm(ValTypeRef Type) : TypeForm;

internal sealed record ResultForm(ValTypeRef? Ok, ValTypeRef? Error) : TypeForm;

/// <summary><c>own</c> (or <c>borrow</c>) of the resource type at <see cref="ResourceIndex"/>.</summary>
internal sealed record HandleForm(uint ResourceIndex, bool Own) : TypeForm;

/// <summary>A type this host does not support (async streams and futures, error-context, fixed-length lists, maps).</summary>
internal sealed record UnsupportedForm(string What) : TypeForm;

/// <summary>A function type; <see cref="Result"/> is null for a function without result.</summary>
internal sealed record FuncForm(IReadOnlyList<LabeledType> Params, ValTypeRef? Result, bool Async) : TypeForm;

/// <summary>A resource type defined by this component: its core representation type and optional destructor core function.</summary>
internal sealed record ResourceForm(byte Representation, uint? Destructor) : TypeForm;

/// <summary>A component type: its import, export, type and alias declarators.</summary>
internal sealed record ComponentTypeForm(IReadOnlyList<Declaration> Declarations) : TypeForm;

/// <summary>An instance type: its export, type and alias declarators.</summary>
internal sealed record InstanceTypeForm(IReadOnlyList<Declaration> Declarations) : TypeForm;

/// <summary>How an imported or exported type is bound: equal to a type, or a fresh resource type.</summary>
internal readonly record struct TypeBound(uint? EqualTo)
{
    public bool IsSubResource => EqualTo is null;
}

/// <summary>The type of an import or export (Binary.md, <c>externtype</c>).</summary>
internal sealed record ExternType(ComponentSort Kind, uint TypeIndex, TypeBound Bound = default)
{
    public override string ToString() => Kind switch
    {
        ComponentSort.Core => "core module",
        ComponentSort.Type => Bound.IsSubResource ? "resource" : "type",
        _ => Kind.ToString().ToLowerInvariant(),
    };
}

/// <summary>A declarator inside a component or instance type.</summary>
internal abstract record Declaration;

internal sealed record CoreTypeDeclaration : Declaration;

internal sealed record TypeDeclaration(TypeForm Type) : Declaration;

internal sealed record AliasDeclaration(Alias Alias) : Declaration;

internal sealed record ExportDeclaration(string Name, ExternType Type) : Declaration;

internal sealed record ImportDeclaration(string Name, ExternType Type) : Declaration;
