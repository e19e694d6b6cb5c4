using System.Text;

namespace Rototo.Sources;

/// <summary>
/// Sits between the decompressed tar bytes and <see cref="System.Formats.Tar.TarReader"/> and counts every entry's
/// data against the <see cref="StagingBudget"/> before the reader gets it. PAX (<c>x</c>, <c>g</c>) and GNU
/// (<c>L</c>, <c>K</c>) extended headers are read whole into memory by the reader, which returns only the entry they
/// describe; so this stream reads each header block as it passes, and refuses an extended header whose size does
/// not fit the budget before a byte of its data is handed over. The data size of an ordinary entry may come from a
/// PAX header, so the extractor reports it (<see cref="EntryData"/>) as soon as the reader returns the entry, before
/// reading it; the next header follows that data.
/// </summary>
internal sealed class TarHeaderGuard(Stream inner, StagingBudget budget, string archive) : Stream
{
    private const int BlockSize = 512;
    private const int TypeFlagOffset = 156;
    private const int SizeOffset = 124;
    private const int SizeLength = 12;
    private const int NameLength = 100;

    /// <summary>No header is expected until <see cref="EntryData"/> is called.</summary>
    private const long AwaitingEntryData = -1;

    /// <summary>The end-of-archive block was seen; nothing more is inspected.</summary>
    private const long Ended = -2;

    private readonly byte[] _header = new byte[BlockSize];
    private long _position;
    private long _nextHeader;
    private long _entryDataStart;
    private int _extendedHeaders;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    /// <summary>The reader returned an ordinary entry whose data is <paramref name="length"/> bytes: counts them; the next header follows them.</summary>
    /// <param name="length">The entry's data length as the reader sees it.</param>
    /// <exception cref="RototoException">Over the budget (rototo's message, as for any file over the limit).</exception>
    public void EntryData(long length)
    {
        if (_nextHeader != AwaitingEntryData)
        {
            throw new InvalidOperationException("the tar reader returned an entry the guard did not see");
        }
        budget.AddBytes(length);
        _nextHeader = _entryDataStart + Padded(length);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_nextHeader == AwaitingEntryData && buffer.Length > 0)
        {
            throw new InvalidOperationException("the tar reader read past an entry header before the entry was returned");
        }
        var read = inner.Read(buffer);
        var start = _position;
        _position += read;
        // Every header block that lies (partly) in these bytes is inspected before they are handed over.
        while (_nextHeader >= 0 && _nextHeader < _position)
        {
            var from = Math.Max(start, _nextHeader);
            var headerEnd = _nextHeader + BlockSize;
            var to = Math.Min(_position, headerEnd);
            buffer[(int)(from - start)..(int)(to - start)].CopyTo(_header.AsSpan((int)(from - _nextHeader)));
            if (to < headerEnd)
            {
                break; // the rest of the block comes with the next read
            }
            Inspect();
        }
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>One complete header block at <see cref="_nextHeader"/>.</summary>
    private void Inspect()
    {
        var dataStart = _nextHeader + BlockSize;
        if (Array.TrueForAll(_header, b => b == 0))
        {
            _nextHeader = Ended;
            return;
        }
        var type = (char)_header[TypeFlagOffset];
        if (type is not ('x' or 'g' or 'L' or 'K'))
        {
            _entryDataStart = dataStart;
            _nextHeader = AwaitingEntryData;
            return;
        }
        _extendedHeaders++;
        var kind = type is 'x' or 'g' ? "PAX" : "GNU";
        var size = Size(_header.AsSpan(SizeOffset, SizeLength))
            ?? throw new RototoException(RototoErrorCode.Source, $"failed to read workspace archive: {archive}: {kind} extended header {_extendedHeaders} has an invalid size");
        budget.AddBytes(size, $"{archive}: {kind} extended header {_extendedHeaders} ({Name()}) of {size} bytes");
        _nextHeader = dataStart + Padded(size);
    }

    /// <summary>The header's own name field (e.g. <c>PaxHeaders.0/file</c>, <c>././@LongLink</c>).</summary>
    private string Name()
    {
        var field = _header.AsSpan(0, NameLength);
        var end = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? field : field[..end]);
    }

    /// <summary>A size field: octal digits (leading spaces, ending at a NUL or space) or GNU base-256 (high bit set); null when malformed.</summary>
    private static long? Size(ReadOnlySpan<byte> field)
    {
        if ((field[0] & 0x80) != 0)
        {
            if (field[0] != 0x80 || field[1..4].ContainsAnyExcept((byte)0))
            {
                return null; // negative or beyond 2^63
            }
            long value = 0;
            foreach (var b in field[4..])
            {
                value = (value << 8) | b;
            }
            return value < 0 ? null : value;
        }
        var digits = field.TrimStart((byte)' ');
        var end = digits.IndexOfAny((byte)0, (byte)' ');
        digits = end < 0 ? digits : digits[..end];
        long octal = 0;
        foreach (var b in digits)
        {
            if (b is < (byte)'0' or > (byte)'7')
            {
                return null;
            }
            octal = (octal * 8) + (b - '0');
        }
        return octal;
    }

    private static long Padded(long size) => (size + BlockSize - 1) / BlockSize * BlockSize;
}
