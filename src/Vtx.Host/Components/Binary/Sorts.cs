namespace Vtx.Host.Components.Binary;

/// <summary>The kinds of core definitions (Binary.md, <c>core:sort</c>); the values are the binary opcodes.</summary>
internal enum CoreSort : byte
{
    Func = 0x00,
    Table = 0x01,
    Memory = 0x02,
    Global = 0x03,
    Tag = 0x04,
    Type = 0x10,
    Module = 0x11,
    Instance = 0x12,
}

/// <summary>The kinds of component definitions (Binary.md, <c>sort</c>); <see cref="Core"/> carries a <see cref="CoreSort"/>.</summary>
internal enum ComponentSort : byte
{
    Core = 0x00,
    Func = 0x01,
    Value = 0x02,
    Type = 0x03,
    Component = 0x04,
    Instance = 0x05,
}

/// <summary>A sort: a component sort, or a core sort when <see cref="Kind"/> is <see cref="ComponentSort.Core"/>.</summary>
internal readonly record struct Sort(ComponentSort Kind, CoreSort Core = CoreSort.Func)
{
    public static readonly Sort Func = new(ComponentSort.Func);
    public static readonly Sort Type = new(ComponentSort.Type);
    public static readonly Sort Instance = new(ComponentSort.Instance);
    public static readonly Sort Component = new(ComponentSort.Component);

    public static Sort OfCore(CoreSort core) => new(ComponentSort.Core, core);

    public override string ToString() => Kind == ComponentSort.Core ? "core " + Core.ToString().ToLowerInvariant() : Kind.ToString().ToLowerInvariant();
}

/// <summary>An index in the index space of a sort.</summary>
internal readonly record struct SortIndex(Sort Sort, uint Index);
