using System.Buffers.Binary;
using System.Text;
using Wasmtime;

namespace Vtx.Host.Abi;

/// <summary>
/// A plugin instance's linear memory seen through the canonical ABI: bounds- and
/// alignment-checked reads and writes, and allocation through the guest's <c>cabi_realloc</c>
/// (CanonicalABI.md, "Memory", "realloc"). Every failed check throws
/// <see cref="VtxPluginException"/> with <see cref="VtxErrorCode.AbiViolation"/>, which traps the call.
/// </summary>
internal sealed class GuestMemory(Memory memory, Func<int, int, int, int, int> realloc, string pluginId)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public string PluginId => pluginId;

    /// <summary>Checks that <c>[address, address + size)</c> lies in memory and <paramref name="address"/> is a multiple of <paramref name="align"/>.</summary>
    public void CheckRange(int address, long size, int align, string what)
    {
        var start = (uint)address;
        var length = memory.GetLength();
        if (start % (uint)align != 0)
        {
            throw Violation($"{what}: address 0x{start:x} is not aligned to {align} bytes");
        }

        if (size < 0 || start + (ulong)size > (ulong)length)
        {
            throw Violation($"{what}: range 0x{start:x}+{size} is outside the plugin's {length}-byte memory");
        }
    }

    public ReadOnlySpan<byte> Span(int address, int size, int align, string what)
    {
        CheckRange(address, size, align, what);
        return size == 0 ? [] : memory.GetSpan((uint)address, size);
    }

    public byte ReadByte(int address, string what) => Span(address, 1, 1, what)[0];

    public ushort ReadUInt16(int address, string what) => BinaryPrimitives.ReadUInt16LittleEndian(Span(address, 2, 2, what));

    public int ReadInt32(int address, string what) => BinaryPrimitives.ReadInt32LittleEndian(Span(address, 4, 4, what));

    public long ReadInt64(int address, string what) => BinaryPrimitives.ReadInt64LittleEndian(Span(address, 8, 8, what));

    public double ReadDouble(int address, string what) => BinaryPrimitives.ReadDoubleLittleEndian(Span(address, 8, 8, what));

    /// <summary>Lifts a <c>string</c> given as (ptr, len in bytes); invalid UTF-8 is an ABI violation.</summary>
    public string ReadString(int address, int length, string what)
    {
        var bytes = Span(address, CheckedLength(length, 1, what), 1, what);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Violation($"{what}: the string is not valid UTF-8");
        }
    }

    /// <summary>Lifts a <c>string</c> stored as (ptr i32, len i32) at <paramref name="address"/>.</summary>
    public string ReadStringAt(int address, string what) =>
        ReadString(ReadInt32(address, what), ReadInt32(address + 4, what), what);

    /// <summary>Lifts a <c>list&lt;string&gt;</c> stored as (ptr i32, len i32) at <paramref name="address"/>.</summary>
    public IReadOnlyList<string> ReadStringListAt(int address, string what)
    {
        var items = ReadInt32(address, what);
        var count = ReadInt32(address + 4, what);
        CheckRange(items, (long)CheckedLength(count, 8, what) * 8, 4, what);
        var result = new string[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = ReadStringAt(items + (i * 8), $"{what}[{i}]");
        }

        return result;
    }

    public void WriteByte(int address, byte value, string what) => WritableSpan(address, 1, 1, what)[0] = value;

    public void WriteInt32(int address, int value, string what) => BinaryPrimitives.WriteInt32LittleEndian(WritableSpan(address, 4, 4, what), value);

    public void WriteInt64(int address, long value, string what) => BinaryPrimitives.WriteInt64LittleEndian(WritableSpan(address, 8, 8, what), value);

    /// <summary>Calls <c>cabi_realloc(0, 0, align, size)</c> (also for size 0, as the spec does) and checks the pointer it returns.</summary>
    public int Allocate(int align, int size, string what)
    {
        var address = realloc(0, 0, align, size);
        CheckRange(address, size, align, $"cabi_realloc for {what} (size {size}, align {align}) returned a bad pointer");
        return address;
    }

    /// <summary>Lowers bytes into fresh guest memory; gives (ptr, len).</summary>
    public (int Address, int Length) WriteBytes(ReadOnlySpan<byte> bytes, string what)
    {
        var address = Allocate(1, bytes.Length, what);
        if (!bytes.IsEmpty)
        {
            bytes.CopyTo(memory.GetSpan((uint)address, bytes.Length));
        }

        return (address, bytes.Length);
    }

    /// <summary>Lowers a <c>string</c> as UTF-8 into fresh guest memory; gives (ptr, len in bytes).</summary>
    public (int Address, int Length) WriteString(string value, string what)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        var address = Allocate(1, length, what);
        if (length > 0)
        {
            Encoding.UTF8.GetBytes(value, memory.GetSpan((uint)address, length));
        }

        return (address, length);
    }

    private Span<byte> WritableSpan(int address, int size, int align, string what)
    {
        CheckRange(address, size, align, what);
        return memory.GetSpan((uint)address, size);
    }

    private int CheckedLength(int length, int elementSize, string what) =>
        length >= 0 && (long)length * elementSize <= memory.GetLength()
            ? length
            : throw Violation($"{what}: length {(uint)length} is larger than the plugin's memory");

    public VtxPluginException Violation(string problem) =>
        new(VtxErrorCode.AbiViolation, $"Plugin '{pluginId}' broke the canonical ABI: {problem}.", pluginId);
}
