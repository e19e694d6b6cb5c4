using System.Formats.Tar;
using System.IO.Compression;

namespace Rototo.Sources;

/// <summary>
/// Unpacks a downloaded workspace archive (gzip-compressed tar, or zip) into a directory, refusing anything unsafe
/// (§12.3): more than <see cref="WorkspaceSourceOptions.MaxArchiveEntries"/> entries, more than
/// <see cref="WorkspaceSourceOptions.MaxUnpackedBytes"/> of file content, absolute paths or <c>..</c>, links whose
/// target leaves the root, and entries other than files, directories and links. Links that stay inside are
/// not created (rototo skips them).
/// </summary>
internal static class ArchiveExtractor
{
    private const int UnixFileTypeMask = 0xF000;
    private const int UnixDirectory = 0x4000;
    private const int UnixRegularFile = 0x8000;
    private const int UnixSymbolicLink = 0xA000;

    public static void Extract(string archive, string target, WorkspaceSourceOptions options)
    {
        Directory.CreateDirectory(target);
        using var file = File.OpenRead(archive);
        Span<byte> magic = stackalloc byte[4];
        var read = file.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        file.Position = 0;
        try
        {
            if (read >= 2 && magic[0] == 0x1F && magic[1] == 0x8B)
            {
                using var gzip = new GZipStream(file, CompressionMode.Decompress);
                ExtractTar(gzip, target, options);
            }
            else if (read >= 4 && magic[0] == (byte)'P' && magic[1] == (byte)'K')
            {
                ExtractZip(file, target, options);
            }
            else
            {
                throw Error("failed to read workspace archive: not a gzip-compressed tar or zip archive");
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw Error($"failed to read workspace archive: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Error($"failed to extract workspace archive: {e.Message}");
        }
    }

    private static void ExtractTar(Stream stream, string target, WorkspaceSourceOptions options)
    {
        using var reader = new TarReader(stream);
        var budget = new Budget(options);
        while (reader.GetNextEntry() is { } entry)
        {
            budget.CountEntry();
            if (entry.EntryType is TarEntryType.GlobalExtendedAttributes)
            {
                continue;
            }
            var path = entry.Name;
            CheckPath(path);
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(Destination(target, path));
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    budget.AddFile(entry.Length);
                    WriteFile(target, path, entry.DataStream, entry.Length, budget);
                    break;
                case TarEntryType.SymbolicLink:
                    CheckLink(path, Combine(Parent(path), entry.LinkName), entry.LinkName);
                    break;
                case TarEntryType.HardLink:
                    CheckLink(path, entry.LinkName, entry.LinkName);
                    break;
                default:
                    throw Error($"workspace archive contains unsupported entry type at: {path}");
            }
        }
    }

    private static void ExtractZip(Stream stream, string target, WorkspaceSourceOptions options)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read);
        var budget = new Budget(options);
        foreach (var entry in zip.Entries)
        {
            budget.CountEntry();
            var path = entry.FullName;
            CheckPath(path);
            var type = (entry.ExternalAttributes >> 16) & UnixFileTypeMask;
            if (path.EndsWith('/') || type == UnixDirectory)
            {
                Directory.CreateDirectory(Destination(target, path));
            }
            else if (type == UnixSymbolicLink)
            {
                using var reader = new StreamReader(entry.Open());
                var link = reader.ReadToEnd();
                CheckLink(path, Combine(Parent(path), link), link);
            }
            else if (type is 0 or UnixRegularFile)
            {
                budget.AddFile(entry.Length);
                using var data = entry.Open();
                WriteFile(target, path, data, entry.Length, budget);
            }
            else
            {
                throw Error($"workspace archive contains unsupported entry type at: {path}");
            }
        }
    }

    private static void CheckPath(string path)
    {
        if (!SourcePaths.IsSafeRelative(path.TrimEnd('/'), allowLeadingCurrentDirectory: true))
        {
            throw Error($"workspace archive contains unsafe path: {path}");
        }
    }

    /// <summary>Refuses a link whose target (relative to the archive root) is absolute or climbs out of the root.</summary>
    private static void CheckLink(string path, string resolvedTarget, string linkTarget)
    {
        var depth = 0;
        var absolute = linkTarget.StartsWith('/') || Path.IsPathRooted(linkTarget);
        foreach (var segment in resolvedTarget.Split('/'))
        {
            depth += segment switch { ".." => -1, "" or "." => 0, _ => 1 };
            if (depth < 0)
            {
                break;
            }
        }
        if (absolute || depth < 0)
        {
            throw Error($"workspace archive contains a link escaping the workspace: {path} -> {linkTarget}");
        }
    }

    private static void WriteFile(string target, string path, Stream? data, long declared, Budget budget)
    {
        var destination = Destination(target, path);
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        using var output = File.Create(destination);
        if (data is null)
        {
            return;
        }
        // Never trust a declared size: stop as soon as more bytes arrive than were declared.
        var written = BoundedCopy.Copy(data, output, declared, () => budget.TooLarge());
        if (written != declared)
        {
            throw Error($"failed to read workspace archive: entry {path} is shorter than declared");
        }
    }

    private static string Destination(string target, string path)
    {
        var destination = Path.GetFullPath(Path.Combine(target, path));
        if (!SourcePaths.IsInside(destination, Path.GetFullPath(target)))
        {
            throw Error($"workspace archive contains unsafe path: {path}");
        }
        return destination;
    }

    private static string Parent(string path)
    {
        var trimmed = path.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        return slash < 0 ? "" : trimmed[..slash];
    }

    private static string Combine(string directory, string relative) => directory.Length == 0 ? relative : $"{directory}/{relative}";

    private static RototoException Error(string message) => new(RototoErrorCode.Source, message);

    /// <summary>Counts entries and file bytes against the limits.</summary>
    private sealed class Budget(WorkspaceSourceOptions options)
    {
        private long _entries;
        private long _bytes;

        public void CountEntry()
        {
            if (++_entries > options.MaxArchiveEntries)
            {
                throw Error($"workspace archive contains too many entries: exceeded limit of {options.MaxArchiveEntries}");
            }
        }

        public void AddFile(long size)
        {
            _bytes += size;
            if (size < 0 || _bytes > options.MaxUnpackedBytes)
            {
                throw TooLarge();
            }
        }

        public RototoException TooLarge() =>
            Error($"workspace archive decompressed content is too large: exceeded limit of {options.MaxUnpackedBytes} bytes");
    }
}
