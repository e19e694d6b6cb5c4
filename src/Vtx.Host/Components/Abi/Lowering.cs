using System.Text;
using Vtx.Host.Components.Binary;
using Vtx.Host.Components.Types;

namespace Vtx.Host.Components.Abi;

/// <summary>
/// Lowering: component values written as flattened core values and into linear memory (CanonicalABI.md,
/// <c>lower_flat</c>, <c>store</c>), allocating strings and lists with the options' <c>realloc</c> and checking every
/// pointer it returns. A value that does not fit its declared type (a host function and a component disagreeing on an
/// import's type) fails the call.
/// </summary>
internal static class Lowering
{
    private const uint Utf16Tag = 0x8000_0000;

    public static void Flat(AbiContext cx, object? value, WitType type, ref FlatWriter output, string what)
    {
        switch (type)
        {
            case PrimType prim when prim.Kind == PrimKind.String:
                var (address, units) = String(cx, As<string>(value, type, what), what);
                output.Add((uint)address);
                output.Add(units);
                break;
            case PrimType prim:
                output.Add(ScalarBits(prim.Kind, value, type, what));
                break;
            case ListType list:
                var (items, count) = List(cx, value, list, what);
                output.Add((uint)items);
                output.Add((uint)count);
                break;
            case RecordType record:
                var fields = Fields(value, record, what);
                for (var i = 0; i < record.Fields.Count; i++)
                {
                    Flat(cx, fields[i], record.Fields[i].Type, ref output, what);
                }

                break;
            case VariantType variant:
                var (index, payload) = Case(value, variant, what);
                output.Add((uint)index);
                var before = output.Count;
                if (variant.Cases[index].Type is { } caseType)
                {
                    Flat(cx, payload, caseType, ref output, what);
                }

                for (var i = output.Count - before; i < variant.PayloadFlat.Length; i++)
                {
                    output.Add(0);
                }

                break;
            case FlagsType:
                output.Add(As<uint>(value, type, what));
                break;
            case HandleType handle:
                output.Add((uint)Handle(cx, value, handle, what));
                break;
            default:
                throw new InvalidOperationException($"no lowering for {type}");
        }
    }

    public static void Store(AbiContext cx, object? value, WitType type, int address, string what)
    {
        var memory = cx.Memory;
        memory.CheckRange(address, type.Size, type.Alignment, what);
        switch (type)
        {
            case PrimType prim when prim.Kind == PrimKind.String:
                var (pointer, units) = String(cx, As<string>(value, type, what), what);
                memory.WriteU32(address, (uint)pointer, what);
                memory.WriteU32(address + 4, units, what);
                break;
            case PrimType prim:
                var bits = ScalarBits(prim.Kind, value, type, what);
                switch (type.Size)
                {
                    case 1: memory.WriteU8(address, (byte)bits, what); break;
                    case 2: memory.WriteU16(address, (ushort)bits, what); break;
                    case 4: memory.WriteU32(address, (uint)bits, what); break;
                    default: memory.WriteU64(address, bits, what); break;
                }

                break;
            case ListType list:
                var (items, count) = List(cx, value, list, what);
                memory.WriteU32(address, (uint)items, what);
                memory.WriteU32(address + 4, (uint)count, what);
                break;
            case RecordType record:
                var fields = Fields(value, record, what);
                for (var i = 0; i < record.Fields.Count; i++)
                {
                    Store(cx, fields[i], record.Fields[i].Type, address + record.Offsets[i], what);
                }

                break;
            case VariantType variant:
                var (index, payload) = Case(value, variant, what);
                switch (variant.DiscriminantSize)
                {
                    case 1: memory.WriteU8(address, (byte)index, what); break;
                    case 2: memory.WriteU16(address, (ushort)index, what); break;
                    default: memory.WriteU32(address, (uint)index, what); break;
                }

                if (variant.Cases[index].Type is { } caseType)
                {
                    Store(cx, payload, caseType, address + variant.PayloadOffset, what);
                }

                break;
            case FlagsType flags:
                var set = As<uint>(value, type, what);
                switch (flags.Size)
                {
                    case 1: memory.WriteU8(address, (byte)set, what); break;
                    case 2: memory.WriteU16(address, (ushort)set, what); break;
                    default: memory.WriteU32(address, set, what); break;
                }

                break;
            case HandleType handle:
                memory.WriteU32(address, (uint)Handle(cx, value, handle, what), what);
                break;
            default:
                throw new InvalidOperationException($"no lowering for {type}");
        }
    }

    /// <summary>Places a string in the component's memory in its encoding; gives (ptr, tagged code units).</summary>
    public static (int Address, uint Units) String(AbiContext cx, string value, string what)
    {
        var memory = cx.Memory;
        switch (cx.Encoding)
        {
            case StringEncoding.Utf8:
                var length = Encoding.UTF8.GetByteCount(value);
                CheckLength(cx, length, what);
                var address = memory.Allocate(1, length, what);
                Encoding.UTF8.GetBytes(value, memory.Write(address, length, 1, what));
                return (address, (uint)length);
            case StringEncoding.Latin1Utf16 when value.All(c => c < 256):
                CheckLength(cx, value.Length, what);
                var latin1 = memory.Allocate(2, value.Length, what);
                Encoding.Latin1.GetBytes(value, memory.Write(latin1, value.Length, 1, what));
                return (latin1, (uint)value.Length);
            default:
                CheckLength(cx, 2L * value.Length, what);
                var utf16 = memory.Allocate(2, 2 * value.Length, what);
                Encoding.Unicode.GetBytes(value, memory.Write(utf16, 2 * value.Length, 2, what));
                return (utf16, (uint)value.Length | (cx.Encoding == StringEncoding.Latin1Utf16 ? Utf16Tag : 0));
        }
    }

    private static (int Address, int Count) List(AbiContext cx, object? value, ListType list, string what)
    {
        var memory = cx.Memory;
        var element = list.Element;
        if (list.IsBytes && value is byte[] bytes)
        {
            CheckLength(cx, bytes.Length, what);
            var address = memory.Allocate(1, bytes.Length, what);
            bytes.CopyTo(memory.Write(address, bytes.Length, 1, what));
            return (address, bytes.Length);
        }

        var items = As<IReadOnlyList<object?>>(value, list, what);
        CheckLength(cx, (long)items.Count * element.Size, what);
        var start = memory.Allocate(element.Alignment, items.Count * element.Size, what);
        for (var i = 0; i < items.Count; i++)
        {
            Store(cx, items[i], element, start + (i * element.Size), what);
        }

        return (start, items.Count);
    }

    private static IReadOnlyList<object?> Fields(object? value, RecordType record, string what)
    {
        var fields = As<IReadOnlyList<object?>>(value, record, what);
        return fields.Count == record.Fields.Count ? fields : throw Mismatch(value, record, what);
    }

    private static (int Index, object? Payload) Case(object? value, VariantType variant, string what)
    {
        var v = As<WitVariant>(value, variant, what);
        var index = variant.IndexOf(v.Case);
        return index >= 0 && (variant.Cases[index].Type is not null || v.Value is null) ? (index, v.Value) : throw Mismatch(value, variant, what);
    }

    private static int Handle(AbiContext cx, object? value, HandleType handle, string what)
    {
        var resource = handle.Resource;
        if (value is null || (resource.IsHost ? !resource.HostClass!.IsInstanceOfType(value) : value is not int))
        {
            throw Mismatch(value, handle, what);
        }

        // A borrow lent to the component that defines the resource is its rep (CanonicalABI.md, lower_borrow).
        return !handle.Own && ReferenceEquals(resource.DefinedBy, cx.Component) ? (int)value : cx.Handles.Insert(resource, value, handle.Own);
    }

    private static ulong ScalarBits(PrimKind kind, object? value, WitType type, string what) => (kind, value) switch
    {
        (PrimKind.Bool, bool b) => b ? 1u : 0u,
        (PrimKind.Char, Rune r) => (uint)r.Value,
        (PrimKind.F32, float f) => (uint)BitConverter.SingleToInt32Bits(f),
        (PrimKind.F64, double d) => (ulong)BitConverter.DoubleToInt64Bits(d),
        (PrimKind.S8 or PrimKind.U8 or PrimKind.S16 or PrimKind.U16 or PrimKind.S32 or PrimKind.U32, _) => (uint)Integral(value, type, what),
        (PrimKind.S64 or PrimKind.U64, _) => Integral(value, type, what),
        _ => throw Mismatch(value, type, what),
    };

    /// <summary>The two's-complement bits of any .NET integer (a host function may answer u32 with an int, say).</summary>
    private static ulong Integral(object? value, WitType type, string what) => value switch
    {
        sbyte v => (ulong)v,
        byte v => v,
        short v => (ulong)v,
        ushort v => v,
        int v => (ulong)v,
        uint v => v,
        long v => (ulong)v,
        ulong v => v,
        _ => throw Mismatch(value, type, what),
    };

    private static T As<T>(object? value, WitType type, string what) => value is T typed ? typed : throw Mismatch(value, type, what);

    private static void CheckLength(AbiContext cx, long byteLength, string what)
    {
        if (byteLength > Lifting.MaxByteLength)
        {
            throw new VtxPluginException(VtxErrorCode.ResourceLimit,
                $"Plugin '{cx.PluginId}': {what} is {byteLength} bytes, more than the canonical ABI can pass.", cx.PluginId);
        }
    }

    private static VtxPluginException Mismatch(object? value, WitType type, string what) =>
        new(VtxErrorCode.AbiViolation, $"{what}: the host's value ({value?.GetType().Name ?? "null"}) does not fit the declared type {type}; the component and the host disagree on this function's type.");
}
