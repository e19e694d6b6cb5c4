using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Rototo.Tests.Sources;

/// <summary>
/// Writes tar blocks by hand (POSIX ustar header layout) into a gzip file made of several members, so that a test can
/// build a small archive that unpacks to gigabytes: a member holding 1 MiB of one byte is compressed once and repeated
/// (a gzip reader reads concatenated members as one stream).
/// </summary>
internal sealed class RawTar
{
    private const int Block = 512;
    private const int Chunk = 1024 * 1024;
    private readonly List<byte[]> _members = [];
    private readonly Dictionary<byte, byte[]> _chunks = [];

    /// <summary>A header block: <paramref name="name"/>, type flag, size in octal, ustar magic and a valid checksum.</summary>
    public RawTar Header(string name, char type, long size)
    {
        var header = new byte[Block];
        Encoding.ASCII.GetBytes(name).CopyTo(header, 0);
        Encoding.ASCII.GetBytes("0000644\0").CopyTo(header, 100);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(header, 108);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(header, 116);
        Encoding.ASCII.GetBytes(Convert.ToString(size, 8).PadLeft(11, '0') + "\0").CopyTo(header, 124);
        Encoding.ASCII.GetBytes("00000000000\0").CopyTo(header, 136);
        header[156] = (byte)type;
        Encoding.ASCII.GetBytes("ustar\0" + "00").CopyTo(header, 257);
        Encoding.ASCII.GetBytes("        ").CopyTo(header, 148);
        var checksum = header.Sum(b => b);
        Encoding.ASCII.GetBytes(Convert.ToString(checksum, 8).PadLeft(6, '0') + "\0 ").CopyTo(header, 148);
        return Bytes(header);
    }

    /// <summary>Bytes as they are.</summary>
    public RawTar Bytes(byte[] bytes)
    {
        Member(bytes);
        return this;
    }

    /// <summary>Text as UTF-8.</summary>
    public RawTar Text(string text) => Bytes(Encoding.UTF8.GetBytes(text));

    /// <summary><paramref name="count"/> copies of one byte, written as repeated compressed 1 MiB members.</summary>
    public RawTar Repeat(byte value, long count)
    {
        if (!_chunks.TryGetValue(value, out var chunk))
        {
            using var compressed = new MemoryStream();
            using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                gzip.Write(Enumerable.Repeat(value, Chunk).ToArray());
            }
            _chunks[value] = chunk = compressed.ToArray();
        }
        for (; count >= Chunk; count -= Chunk)
        {
            _members.Add(chunk);
        }
        return Bytes(Enumerable.Repeat(value, (int)count).ToArray());
    }

    /// <summary>Zero bytes up to the next block boundary after <paramref name="dataLength"/> bytes of data.</summary>
    public RawTar Pad(long dataLength) => Bytes(new byte[(int)((Block - (dataLength % Block)) % Block)]);

    /// <summary>A regular file entry with its data and padding.</summary>
    public RawTar File(string name, string text)
    {
        var data = Encoding.UTF8.GetBytes(text);
        return Header(name, '0', data.Length).Bytes(data).Pad(data.Length);
    }

    /// <summary>The two zero blocks that end an archive, then the whole gzip file.</summary>
    public byte[] End()
    {
        Bytes(new byte[2 * Block]);
        return [.. _members.SelectMany(member => member)];
    }

    /// <summary>A PAX record <c>{length} {key}=aaa…a\n</c> of exactly <paramref name="recordLength"/> bytes.</summary>
    public RawTar PaxRecord(string key, long recordLength)
    {
        var prefix = $"{recordLength.ToString(CultureInfo.InvariantCulture)} {key}=";
        return Text(prefix).Repeat((byte)'a', recordLength - prefix.Length - 1).Text("\n");
    }

    private void Member(byte[] bytes)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(bytes);
        }
        _members.Add(compressed.ToArray());
    }
}
