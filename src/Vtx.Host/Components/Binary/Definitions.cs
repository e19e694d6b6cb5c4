namespace Vtx.Host.Components.Binary;

/// <summary>A parsed component: its definitions in binary order (index spaces grow in this order).</summary>
internal sealed record ComponentAst(IReadOnlyList<Definition> Definitions);

/// <summary>One definition of a component section (Binary.md, <c>section</c>).</summary>
internal abstract record Definition;

/// <summary>An embedded core module (section 1).</summary>
internal sealed record CoreModuleDefinition(ReadOnlyMemory<byte> Bytes) : Definition;

/// <summary><c>(core instance (instantiate m (with name (instance i))*))</c>.</summary>
internal sealed record CoreInstantiateDefinition(uint Module, IReadOnlyList<CoreInstantiateArg> Args) : Definition;

internal sealed record CoreInstantiateArg(string Name, uint Instance);

/// <summary><c>(core instance (export name (sort idx))*)</c>.</summary>
internal sealed record CoreInlineInstanceDefinition(IReadOnlyList<CoreInlineExport> Exports) : Definition;

internal sealed record CoreInlineExport(string Name, CoreSort Sort, uint Index);

/// <summary>A core type (section 3); kept only for its place in the core type index space.</summary>
internal sealed record CoreTypeDefinition : Definition;

/// <summary>A nested component (section 4).</summary>
internal sealed record NestedComponentDefinition(ComponentAst Component) : Definition;

/// <summary><c>(instance (instantiate c (with name (sort idx))*))</c>.</summary>
internal sealed record InstantiateDefinition(uint Component, IReadOnlyList<InstantiateArg> Args) : Definition;

internal sealed record InstantiateArg(string Name, SortIndex Item);

/// <summary><c>(instance (export name (sort idx))*)</c>.</summary>
internal sealed record InlineInstanceDefinition(IReadOnlyList<InstantiateArg> Exports) : Definition;

/// <summary>An alias (section 6).</summary>
internal sealed record AliasDefinition(Alias Alias) : Definition;

/// <summary>How an alias finds its target.</summary>
internal abstract record Alias(Sort Sort);

/// <summary><c>(alias export i "name" (sort))</c>.</summary>
internal sealed record InstanceExportAlias(Sort Sort, uint Instance, string Name) : Alias(Sort);

/// <summary><c>(alias core export i "name" (core sort))</c>.</summary>
internal sealed record CoreInstanceExportAlias(Sort Sort, uint Instance, string Name) : Alias(Sort);

/// <summary><c>(alias outer count index (sort))</c>.</summary>
internal sealed record OuterAlias(Sort Sort, uint Count, uint Index) : Alias(Sort);

/// <summary>A component-level type (section 7).</summary>
internal sealed record TypeDefinition(TypeForm Type) : Definition;

/// <summary>The string encodings of the canonical ABI.</summary>
internal enum StringEncoding : byte
{
    Utf8,
    Utf16,
    Latin1Utf16,
}

/// <summary>The options of <c>canon lift</c> and <c>canon lower</c> (Binary.md, <c>canonopt</c>).</summary>
internal sealed record CanonOptionsForm(StringEncoding Encoding, uint? Memory, uint? Realloc, uint? PostReturn, bool Async, uint? Callback);

/// <summary>A canonical definition (section 8).</summary>
internal abstract record CanonDefinition : Definition;

/// <summary><c>(canon lift f opts (type t))</c>: a component function from a core function.</summary>
internal sealed record CanonLiftDefinition(uint CoreFunc, CanonOptionsForm Options, uint Type) : CanonDefinition;

/// <summary><c>(canon lower f opts)</c>: a core function from a component function.</summary>
internal sealed record CanonLowerDefinition(uint Func, CanonOptionsForm Options) : CanonDefinition;

/// <summary><c>canon resource.new</c>, <c>resource.drop</c> or <c>resource.rep</c> of the resource type at <see cref="Type"/>.</summary>
internal sealed record CanonResourceDefinition(ResourceBuiltin Builtin, uint Type) : CanonDefinition;

internal enum ResourceBuiltin : byte
{
    New = 0x02,
    Drop = 0x03,
    Rep = 0x04,
}

/// <summary>A canonical built-in of the async, thread or error-context proposals, which this host does not run.</summary>
internal sealed record UnsupportedCanonDefinition(byte Opcode) : CanonDefinition;

/// <summary>A component start function or value definition (feature-gated); refused by the linker.</summary>
internal sealed record UnsupportedDefinition(string What) : Definition;

/// <summary>An import (section 10).</summary>
internal sealed record ImportDefinition(string Name, ExternType Type) : Definition;

/// <summary>An export (section 11); it adds an index aliasing <see cref="Item"/> in its sort.</summary>
internal sealed record ExportDefinition(string Name, SortIndex Item, ExternType? Type) : Definition;
