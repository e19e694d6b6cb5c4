using System.Buffers.Binary;
using Wasmtime;

namespace Vtx.Host.Components.Abi;

/// <summary>
/// A component instance's linear memory seen through the canonical ABI: bounds- and alignment-checked reads and
/// writes, and allocation through the guest's <c>realloc</c> (CanonicalABI.md, "Memory", "realloc", also called for
/// size 0 as the spec does). Every failed check throws <see cref="VtxPluginException"/> with
/// <see cref="VtxErrorCode.AbiViolation"/>, which traps the call.
/// </summary>
internal sealed class GuestMemory(Memory memory, Func<int, int, int, int, int>? realloc, string pluginId)
{
    public string PluginId => pluginId;

    public long Length => memory.GetLength();

    /// <summary>Checks that <c>[address, address + size)</c> lies in memory and <paramref name="address"/> is a multiple of <paramref name="align"/>.</summary>
    public void CheckRange(int address, long size, int align, string what)
    {
        var start = (uint)address;
        if (start % (uint)align != 0)
        {
            throw Violation($"{what}: address 0x{start:x} is not aligned to {align} bytes");
        }

        var length = memory.GetLength();
        if (size < 0 || start + (ulong)size > (ulong)length)
        {
            throw Violation($"{what}: range 0x{start:x}+{size} is outside the plugin's {length}-byte memory");
        }
    }

    public ReadOnlySpan<byte> Read(int address, int size, int align, string what)
    {
        CheckRange(address, size, align, what);
        return size == 0 ? [] : memory.GetSpan((uint)address, size);
    }

    public Span<byte> Write(int address, int size, int align, string what)
    {
        CheckRange(address, size, align, what);
        return size == 0 ? [] : memory.GetSpan((uint)address, size);
    }

    public byte ReadU8(int address, string what) => Read(address, 1, 1, what)[0];

    public ushort ReadU16(int address, string what) => BinaryPrimitives.ReadUInt16LittleEndian(Read(address, 2, 2, what));

    public uint ReadU32(int address, string what) => BinaryPrimitives.ReadUInt32LittleEndian(Read(address, 4, 4, what));

    public ulong ReadU64(int address, string what) => BinaryPrimitives.ReadUInt64LittleEndian(Read(address, 8, 8, what));

    public void WriteU8(int address, byte value, string what) => Write(address, 1, 1, what)[0] = value;

    public void WriteU16(int address, ushort value, string what) => BinaryPrimitives.WriteUInt16LittleEndian(Write(address, 2, 2, what), value);

    public void WriteU32(int address, uint value, string what) => BinaryPrimitives.WriteUInt32LittleEndian(Write(address, 4, 4, what), value);

    public void WriteU64(int address, ulong value, string what) => BinaryPrimitives.WriteUInt64LittleEndian(Write(address, 8, 8, what), value);

    /// <summary>Calls <c>realloc(0, 0, align, size)</c> and checks the pointer it returns.</summary>
    public int Allocate(int align, int size, string what)
    {
        var function = realloc ?? throw Violation($"{what}: the canonical options give no realloc to place {size} bytes in the plugin's memory");
        var address = function(0, 0, align, size);
        CheckRange(address, size, align, $"cabi_realloc for {what} (size {size}, align {align}) returned a bad pointer");
        return address;
    }

    public VtxPluginException Violation(string problem) =>
        new(VtxErrorCode.AbiViolation, $"Plugin '{pluginId}' broke the canonical ABI: {problem}.", pluginId);
}
