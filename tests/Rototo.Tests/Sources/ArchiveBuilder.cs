using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Rototo.Tests.Sources;

/// <summary>Builds real .tar.gz and .zip archives in memory, including hostile entries.</summary>
internal sealed class ArchiveBuilder
{
    private readonly List<(TarEntryType Type, string Name, byte[] Data, string? Link)> _entries = [];

    public ArchiveBuilder File(string name, string text) => Add(TarEntryType.RegularFile, name, Encoding.UTF8.GetBytes(text));

    public ArchiveBuilder File(string name, byte[] data) => Add(TarEntryType.RegularFile, name, data);

    public ArchiveBuilder Directory(string name) => Add(TarEntryType.Directory, name, []);

    public ArchiveBuilder SymbolicLink(string name, string target) => Add(TarEntryType.SymbolicLink, name, [], target);

    public ArchiveBuilder HardLink(string name, string target) => Add(TarEntryType.HardLink, name, [], target);

    public ArchiveBuilder Fifo(string name) => Add(TarEntryType.Fifo, name, []);

    /// <summary>The minimal message workspace under <paramref name="folder"/> ("" for the archive root).</summary>
    public ArchiveBuilder MessageWorkspace(string message, string folder = "") =>
        File(folder + "rototo-workspace.toml", "schema_version = 1\n").File(folder + "variables/message.toml", GitRepository.MessageVariable(message));

    /// <summary>A gzip-compressed tar; PAX (an extended header before each entry) unless another format is asked for.</summary>
    public byte[] TarGz(TarEntryFormat format = TarEntryFormat.Pax)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, format, leaveOpen: true))
        {
            foreach (var (type, name, data, link) in _entries)
            {
                TarEntry entry = format switch
                {
                    TarEntryFormat.Ustar => new UstarTarEntry(type, name),
                    TarEntryFormat.Gnu => new GnuTarEntry(type, name),
                    TarEntryFormat.V7 => new V7TarEntry(type, name),
                    _ => new PaxTarEntry(type, name),
                };
                if (link is not null)
                {
                    entry.LinkName = link;
                }
                if (type == TarEntryType.RegularFile)
                {
                    entry.DataStream = new MemoryStream(data);
                }
                tar.WriteEntry(entry);
            }
        }
        return output.ToArray();
    }

    public byte[] Zip()
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (type, name, data, link) in _entries)
            {
                var entry = zip.CreateEntry(type == TarEntryType.Directory ? name.TrimEnd('/') + "/" : name);
                var unixType = type switch { TarEntryType.SymbolicLink => 0xA000, TarEntryType.Fifo => 0x1000, TarEntryType.Directory => 0x4000, _ => 0x8000 };
                entry.ExternalAttributes = (unixType | 0x1A4) << 16;
                if (type != TarEntryType.Directory)
                {
                    using var stream = entry.Open();
                    stream.Write(link is null ? data : Encoding.UTF8.GetBytes(link));
                }
            }
        }
        return output.ToArray();
    }

    private ArchiveBuilder Add(TarEntryType type, string name, byte[] data, string? link = null)
    {
        _entries.Add((type, name, data, link));
        return this;
    }
}
