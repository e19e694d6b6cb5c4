using System.Text;
using Vtx.Host.Components.Binary;
using Vtx.Host.Components.Types;

namespace Vtx.Host.Components.Abi;

/// <summary>
/// Lifting: component values read from flattened core values and from linear memory (CanonicalABI.md, <c>lift_flat</c>,
/// <c>load</c>), checked as the spec checks them (bounds, alignment, discriminants, code points, string and list sizes,
/// handle types). Values are the runtime representations listed on <see cref="WitType"/>.
/// </summary>
internal static class Lifting
{
    /// <summary>The largest string or list the canonical ABI allows, in bytes.</summary>
    public const int MaxByteLength = (1 << 28) - 1;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly UnicodeEncoding StrictUtf16 = new(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true);

    public static object? Flat(AbiContext cx, ref FlatReader values, WitType type, string what)
    {
        switch (type)
        {
            case PrimType prim:
                return prim.Kind == PrimKind.String
                    ? String(cx, (int)(uint)values.Next(), (uint)values.Next(), what)
                    : Scalar(cx, prim.Kind, values.Next(), what);
            case ListType list:
                return List(cx, (int)(uint)values.Next(), (uint)values.Next(), list, what);
            case RecordType record:
                var fields = new object?[record.Fields.Count];
                for (var i = 0; i < fields.Length; i++)
                {
                    fields[i] = Flat(cx, ref values, record.Fields[i].Type, what);
                }

                return fields;
            case VariantType variant:
                var index = (uint)values.Next();
                var c = CaseAt(cx, variant, index, what);
                var consumed = c.Type?.Flat.Length ?? 0;
                var payload = c.Type is null ? null : Flat(cx, ref values, c.Type, what);
                values.Skip(variant.PayloadFlat.Length - consumed);
                return new WitVariant(c.Name, payload);
            case FlagsType flags:
                return Flags(flags, (uint)values.Next());
            case HandleType handle:
                return Handle(cx, handle, (int)(uint)values.Next(), what);
            default:
                throw new InvalidOperationException($"no lifting for {type}");
        }
    }

    public static object? Load(AbiContext cx, int address, WitType type, string what)
    {
        var memory = cx.Memory;
        memory.CheckRange(address, type.Size, type.Alignment, what);
        switch (type)
        {
            case PrimType prim:
                return prim.Kind switch
                {
                    PrimKind.String => String(cx, (int)memory.ReadU32(address, what), memory.ReadU32(address + 4, what), what),
                    PrimKind.Bool or PrimKind.S8 or PrimKind.U8 => Scalar(cx, prim.Kind, memory.ReadU8(address, what), what),
                    PrimKind.S16 or PrimKind.U16 => Scalar(cx, prim.Kind, memory.ReadU16(address, what), what),
                    PrimKind.S64 or PrimKind.U64 or PrimKind.F64 => Scalar(cx, prim.Kind, memory.ReadU64(address, what), what),
                    _ => Scalar(cx, prim.Kind, memory.ReadU32(address, what), what),
                };
            case ListType list:
                return List(cx, (int)memory.ReadU32(address, what), memory.ReadU32(address + 4, what), list, what);
            case RecordType record:
                var fields = new object?[record.Fields.Count];
                for (var i = 0; i < fields.Length; i++)
                {
                    fields[i] = Load(cx, address + record.Offsets[i], record.Fields[i].Type, what);
                }

                return fields;
            case VariantType variant:
                var index = variant.DiscriminantSize switch
                {
                    1 => memory.ReadU8(address, what),
                    2 => memory.ReadU16(address, what),
                    _ => memory.ReadU32(address, what),
                };
                var c = CaseAt(cx, variant, index, what);
                return new WitVariant(c.Name, c.Type is null ? null : Load(cx, address + variant.PayloadOffset, c.Type, what));
            case FlagsType flags:
                return Flags(flags, flags.Size switch
                {
                    1 => memory.ReadU8(address, what),
                    2 => memory.ReadU16(address, what),
                    _ => memory.ReadU32(address, what),
                });
            case HandleType handle:
                return Handle(cx, handle, (int)memory.ReadU32(address, what), what);
            default:
                throw new InvalidOperationException($"no lifting for {type}");
        }
    }

    private static object Scalar(AbiContext cx, PrimKind kind, ulong bits, string what) => kind switch
    {
        PrimKind.Bool => (uint)bits != 0,
        PrimKind.S8 => (sbyte)bits,
        PrimKind.U8 => (byte)bits,
        PrimKind.S16 => (short)bits,
        PrimKind.U16 => (ushort)bits,
        PrimKind.S32 => (int)(uint)bits,
        PrimKind.U32 => (uint)bits,
        PrimKind.S64 => (long)bits,
        PrimKind.U64 => bits,
        PrimKind.F32 => CanonicalNaN(BitConverter.Int32BitsToSingle((int)(uint)bits)),
        PrimKind.F64 => CanonicalNaN(BitConverter.Int64BitsToDouble((long)bits)),
        PrimKind.Char => Rune.TryCreate((uint)bits, out var rune) ? rune : throw Violation(cx, $"{what}: 0x{(uint)bits:x} is not a Unicode scalar value"),
        _ => throw new InvalidOperationException($"{kind} is not a scalar"),
    };

    private static float CanonicalNaN(float value) => float.IsNaN(value) ? BitConverter.Int32BitsToSingle(0x7fc00000) : value;

    private static double CanonicalNaN(double value) => double.IsNaN(value) ? BitConverter.Int64BitsToDouble(0x7ff8000000000000) : value;

    /// <summary>Lifts a string given as (ptr, tagged code units) in the context's encoding.</summary>
    public static string String(AbiContext cx, int address, uint taggedUnits, string what)
    {
        var (byteLength, alignment, encoding) = cx.Encoding switch
        {
            StringEncoding.Utf8 => ((long)taggedUnits, 1, (Encoding)StrictUtf8),
            StringEncoding.Utf16 => (2L * taggedUnits, 2, StrictUtf16),
            _ => (taggedUnits & 0x8000_0000) != 0 ? (2L * (taggedUnits ^ 0x8000_0000), 2, StrictUtf16) : (taggedUnits, 2, System.Text.Encoding.Latin1),
        };
        if (byteLength > MaxByteLength)
        {
            throw Violation(cx, $"{what}: a string of {byteLength} bytes is longer than the canonical ABI allows");
        }

        var bytes = cx.Memory.Read(address, (int)byteLength, alignment, what);
        try
        {
            return encoding.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Violation(cx, $"{what}: the string is not valid {(encoding == StrictUtf8 ? "UTF-8" : "UTF-16")}");
        }
    }

    private static object List(AbiContext cx, int address, uint count, ListType list, string what)
    {
        var element = list.Element;
        var byteLength = (long)count * element.Size;
        if (byteLength > MaxByteLength)
        {
            throw Violation(cx, $"{what}: a list of {count} elements is longer than the canonical ABI allows");
        }

        var memory = cx.Memory;
        memory.CheckRange(address, byteLength, element.Alignment, what);
        if (list.IsBytes)
        {
            return memory.Read(address, (int)count, 1, what).ToArray();
        }

        var items = new object?[count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = Load(cx, address + (i * element.Size), element, what);
        }

        return items;
    }

    private static Case CaseAt(AbiContext cx, VariantType variant, uint index, string what) =>
        index < (uint)variant.Cases.Count
            ? variant.Cases[(int)index]
            : throw Violation(cx, $"{what}: invalid {variant.Kind.ToString().ToLowerInvariant()} discriminant {index}");

    private static uint Flags(FlagsType flags, uint bits) => flags.Labels.Count == 32 ? bits : bits & ((1u << flags.Labels.Count) - 1);

    private static object Handle(AbiContext cx, HandleType handle, int index, string what) =>
        handle.Own ? cx.Handles.Take(index, handle.Resource, what) : cx.Handles.Get(index, handle.Resource, what);

    private static VtxPluginException Violation(AbiContext cx, string problem) =>
        new(VtxErrorCode.AbiViolation, $"Plugin '{cx.PluginId}' broke the canonical ABI: {problem}.", cx.PluginId);
}
