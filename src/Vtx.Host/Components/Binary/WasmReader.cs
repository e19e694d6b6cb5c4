using System.Text;

namespace Vtx.Host.Components.Binary;

/// <summary>
/// A forward reader over a WebAssembly binary (core or component): LEB128 integers, names and byte ranges, each
/// checked against the end of the input. Every failure throws <see cref="ComponentFormatException"/> with the byte offset.
/// </summary>
internal sealed class WasmReader(ReadOnlyMemory<byte> data, int baseOffset = 0)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The position in <c>data</c>.</summary>
    public int Position { get; private set; }

    public bool AtEnd => Position >= data.Length;

    public int Remaining => data.Length - Position;

    /// <summary>The absolute offset of the current position in the outermost binary (for messages).</summary>
    public int Offset => baseOffset + Position;

    public byte ReadByte()
    {
        if (AtEnd)
        {
            throw Error("unexpected end of the binary");
        }

        return data.Span[Position++];
    }

    public byte PeekByte() => AtEnd ? throw Error("unexpected end of the binary") : data.Span[Position];

    public uint ReadU32()
    {
        uint result = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            var b = ReadByte();
            if (shift == 28 && b > 0x0f)
            {
                throw Error("a u32 LEB128 number is out of range");
            }

            result |= (uint)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw Error("a LEB128 number is longer than 5 bytes");
    }

    /// <summary>Reads a signed LEB128 of up to 33 bits (core type indices and heap types).</summary>
    public long ReadS33()
    {
        long result = 0;
        var shift = 0;
        byte b;
        do
        {
            if (shift >= 35)
            {
                throw Error("an s33 LEB128 number is longer than 5 bytes");
            }

            b = ReadByte();
            result |= (long)(b & 0x7f) << shift;
            shift += 7;
        }
        while ((b & 0x80) != 0);

        return shift < 64 && (b & 0x40) != 0 ? result | (-1L << shift) : result;
    }

    /// <summary>Skips a signed LEB128 number of any width (core constant expressions).</summary>
    public void SkipLeb()
    {
        for (var i = 0; i < 10; i++)
        {
            if ((ReadByte() & 0x80) == 0)
            {
                return;
            }
        }

        throw Error("a LEB128 number is longer than 10 bytes");
    }

    /// <summary>Reads a vector length, refusing counts that could not fit in what is left (each item takes at least one byte).</summary>
    public int ReadCount(string what)
    {
        var count = ReadU32();
        return count <= (uint)Remaining ? (int)count : throw Error($"{what}: {count} items cannot fit in the {Remaining} bytes left");
    }

    public string ReadName()
    {
        var length = ReadU32();
        var bytes = ReadBytes(length, "a name");
        try
        {
            return StrictUtf8.GetString(bytes.Span);
        }
        catch (DecoderFallbackException)
        {
            throw Error("a name is not valid UTF-8");
        }
    }

    public ReadOnlyMemory<byte> ReadBytes(uint length, string what)
    {
        if (length > (uint)Remaining)
        {
            throw Error($"{what} claims {length} bytes, past the end");
        }

        var slice = data.Slice(Position, (int)length);
        Position += (int)length;
        return slice;
    }

    /// <summary>A reader over the next <paramref name="length"/> bytes, which this reader skips.</summary>
    public WasmReader Sub(uint length, string what)
    {
        var start = Offset;
        return new WasmReader(ReadBytes(length, what), start);
    }

    public ComponentFormatException Error(string problem) => new($"{problem} (at byte {Offset})");
}

/// <summary>
/// A component binary that does not follow the binary format, or (when <see cref="IsUnsupported"/>) uses a feature this
/// host does not run.
/// </summary>
internal sealed class ComponentFormatException(string message, bool unsupported = false) : Exception(message)
{
    public bool IsUnsupported { get; } = unsupported;
}
