using Vtx.Host.Components.Binary;
using Wasmtime;

namespace Vtx.Host.Components.Types;

/// <summary>
/// A resolved component value type with its canonical-ABI layout (CanonicalABI.md, "Alignment", "Element Size",
/// "Flattening"), computed once when the type is built. Types are immutable and acyclic. Specialized types (tuple,
/// enum, option, result) are represented by their despecialized form (<see cref="RecordType"/>, <see cref="VariantType"/>)
/// with a <c>Kind</c> that keeps their name for messages.
/// <para>Runtime values of each type (what lifting produces and lowering takes): bool, sbyte, byte, short, ushort, int,
/// uint, long, ulong, float, double, <see cref="System.Text.Rune"/> (char), string; <c>byte[]</c> for <c>list&lt;u8&gt;</c>,
/// <c>object?[]</c> for other lists and for records and tuples (fields in order), <see cref="WitVariant"/> for variants,
/// enums, options and results, <c>uint</c> (bit i = flag i) for flags, and the resource representation for handles
/// (the host object for host resources, the <c>int</c> rep for resources a component defines).</para>
/// </summary>
internal abstract class WitType
{
    /// <summary>Size in linear memory, in bytes.</summary>
    public int Size { get; protected init; }

    /// <summary>Alignment in linear memory, in bytes.</summary>
    public int Alignment { get; protected init; }

    /// <summary>The core value types this type flattens to.</summary>
    public ValueKind[] Flat { get; protected init; } = [];

    /// <summary>WIT-like text of the type, for messages.</summary>
    public abstract override string ToString();

    protected static int AlignTo(int offset, int alignment) => (offset + alignment - 1) / alignment * alignment;
}

/// <summary>A primitive type.</summary>
internal sealed class PrimType : WitType
{
    private static readonly PrimType[] All = Enum.GetValues<PrimKind>().Select(k => new PrimType(k)).ToArray();

    private PrimType(PrimKind kind)
    {
        Kind = kind;
        (Size, Flat) = kind switch
        {
            PrimKind.Bool or PrimKind.S8 or PrimKind.U8 => (1, [ValueKind.Int32]),
            PrimKind.S16 or PrimKind.U16 => (2, [ValueKind.Int32]),
            PrimKind.S32 or PrimKind.U32 or PrimKind.Char => (4, [ValueKind.Int32]),
            PrimKind.S64 or PrimKind.U64 => (8, [ValueKind.Int64]),
            PrimKind.F32 => (4, [ValueKind.Float32]),
            PrimKind.F64 => (8, [ValueKind.Float64]),
            _ => (8, new[] { ValueKind.Int32, ValueKind.Int32 }),
        };
        Alignment = kind == PrimKind.String ? 4 : Size;
    }

    public PrimKind Kind { get; }

    public static PrimType Of(PrimKind kind) => All[(int)kind];

    public static PrimType String => Of(PrimKind.String);

    public override string ToString() => Kind.ToString().ToLowerInvariant();
}

/// <summary><c>list&lt;T&gt;</c>: (ptr, length) in memory, 8 bytes, align 4.</summary>
internal sealed class ListType : WitType
{
    public ListType(WitType element)
    {
        Element = element;
        Size = 8;
        Alignment = 4;
        Flat = [ValueKind.Int32, ValueKind.Int32];
        IsBytes = element is PrimType { Kind: PrimKind.U8 };
    }

    public WitType Element { get; }

    /// <summary><c>list&lt;u8&gt;</c>, carried as <c>byte[]</c>.</summary>
    public bool IsBytes { get; }

    public override string ToString() => $"list<{Element}>";
}

/// <summary>A named field of a record (tuples use "0", "1", …).</summary>
internal sealed record Field(string Name, WitType Type);

/// <summary>A record or a tuple: fields laid out in order, each at its own alignment.</summary>
internal sealed class RecordType : WitType
{
    public RecordType(IReadOnlyList<Field> fields, bool isTuple = false)
    {
        if (fields.Count == 0)
        {
            throw new ArgumentException("a record needs at least one field", nameof(fields));
        }

        Fields = fields;
        IsTuple = isTuple;
        var offsets = new int[fields.Count];
        var size = 0;
        var alignment = 1;
        for (var i = 0; i < fields.Count; i++)
        {
            var type = fields[i].Type;
            size = AlignTo(size, type.Alignment);
            offsets[i] = size;
            size += type.Size;
            alignment = Math.Max(alignment, type.Alignment);
        }

        Offsets = offsets;
        Alignment = alignment;
        Size = AlignTo(size, alignment);
        Flat = fields.SelectMany(f => f.Type.Flat).ToArray();
    }

    public IReadOnlyList<Field> Fields { get; }

    /// <summary>Byte offset of each field from the start of the record.</summary>
    public IReadOnlyList<int> Offsets { get; }

    public bool IsTuple { get; }

    public static RecordType Tuple(params WitType[] items) => new(items.Select((t, i) => new Field(i.ToString(System.Globalization.CultureInfo.InvariantCulture), t)).ToList(), isTuple: true);

    public override string ToString() => IsTuple
        ? $"tuple<{string.Join(", ", Fields.Select(f => f.Type))}>"
        : $"record {{ {string.Join(", ", Fields.Select(f => $"{f.Name}: {f.Type}"))} }}";
}

/// <summary>The WIT spelling a <see cref="VariantType"/> came from.</summary>
internal enum VariantKind
{
    Variant,
    Enum,
    Option,
    Result,
}

/// <summary>A variant case; <see cref="Type"/> is null for a case without payload.</summary>
internal sealed record Case(string Name, WitType? Type);

/// <summary>A variant (also enum, option, result): a discriminant of 1, 2 or 4 bytes, then the payload at the largest case alignment.</summary>
internal sealed class VariantType : WitType
{
    private readonly Dictionary<string, int> _indexByName;

    public VariantType(IReadOnlyList<Case> cases, VariantKind kind = VariantKind.Variant)
    {
        if (cases.Count == 0)
        {
            throw new ArgumentException("a variant needs at least one case", nameof(cases));
        }

        Cases = cases;
        Kind = kind;
        _indexByName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < cases.Count; i++)
        {
            _indexByName.TryAdd(cases[i].Name, i);
        }

        DiscriminantSize = cases.Count <= 256 ? 1 : cases.Count <= 65536 ? 2 : 4;
        var caseAlignment = cases.Where(c => c.Type is not null).Select(c => c.Type!.Alignment).DefaultIfEmpty(1).Max();
        PayloadOffset = AlignTo(DiscriminantSize, caseAlignment);
        Alignment = Math.Max(DiscriminantSize, caseAlignment);
        var payloadSize = cases.Where(c => c.Type is not null).Select(c => c.Type!.Size).DefaultIfEmpty(0).Max();
        Size = AlignTo(PayloadOffset + payloadSize, Alignment);

        var joined = new List<ValueKind>();
        foreach (var c in cases.Where(c => c.Type is not null))
        {
            var flat = c.Type!.Flat;
            for (var i = 0; i < flat.Length; i++)
            {
                if (i < joined.Count)
                {
                    joined[i] = Join(joined[i], flat[i]);
                }
                else
                {
                    joined.Add(flat[i]);
                }
            }
        }

        PayloadFlat = joined.ToArray();
        Flat = [ValueKind.Int32, .. PayloadFlat];
    }

    public IReadOnlyList<Case> Cases { get; }

    public VariantKind Kind { get; }

    public int DiscriminantSize { get; }

    public int PayloadOffset { get; }

    /// <summary>The joined flat types of the payloads (after the i32 discriminant).</summary>
    public ValueKind[] PayloadFlat { get; }

    public static VariantType Option(WitType some) => new([new Case("none", null), new Case("some", some)], VariantKind.Option);

    public static VariantType Result(WitType? ok, WitType? error) => new([new Case("ok", ok), new Case("error", error)], VariantKind.Result);

    public static VariantType Enum(IEnumerable<string> labels) => new(labels.Select(l => new Case(l, null)).ToList(), VariantKind.Enum);

    /// <summary>The index of the case named <paramref name="name"/>, or -1.</summary>
    public int IndexOf(string name) => _indexByName.TryGetValue(name, out var index) ? index : -1;

    public override string ToString() => Kind switch
    {
        VariantKind.Option => $"option<{Cases[1].Type}>",
        VariantKind.Result => $"result<{Cases[0].Type?.ToString() ?? "_"}, {Cases[1].Type?.ToString() ?? "_"}>",
        VariantKind.Enum => $"enum {{ {string.Join(", ", Cases.Select(c => c.Name))} }}",
        _ => $"variant {{ {string.Join(", ", Cases.Select(c => c.Type is null ? c.Name : $"{c.Name}({c.Type})"))} }}",
    };

    private static ValueKind Join(ValueKind a, ValueKind b) =>
        a == b ? a
        : (a, b) is (ValueKind.Int32, ValueKind.Float32) or (ValueKind.Float32, ValueKind.Int32) ? ValueKind.Int32
        : ValueKind.Int64;
}

/// <summary>Flags: a bit set of 1 to 32 labels in 1, 2 or 4 bytes.</summary>
internal sealed class FlagsType : WitType
{
    public FlagsType(IReadOnlyList<string> labels)
    {
        if (labels.Count is 0 or > 32)
        {
            throw new ArgumentException("flags need 1 to 32 labels", nameof(labels));
        }

        Labels = labels;
        Size = Alignment = labels.Count <= 8 ? 1 : labels.Count <= 16 ? 2 : 4;
        Flat = [ValueKind.Int32];
    }

    public IReadOnlyList<string> Labels { get; }

    public override string ToString() => $"flags {{ {string.Join(", ", Labels)} }}";
}

/// <summary><c>own&lt;R&gt;</c> or <c>borrow&lt;R&gt;</c>: a 4-byte handle index.</summary>
internal sealed class HandleType : WitType
{
    public HandleType(ResourceType resource, bool own)
    {
        Resource = resource;
        Own = own;
        Size = Alignment = 4;
        Flat = [ValueKind.Int32];
    }

    public ResourceType Resource { get; }

    public bool Own { get; }

    public override string ToString() => Own ? Resource.Name : $"borrow<{Resource.Name}>";
}
