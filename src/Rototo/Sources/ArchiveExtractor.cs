using System.Formats.Tar;
using System.IO.Compression;
using System.IO.Hashing;

namespace Rototo.Sources;

/// <summary>
/// Unpacks a downloaded workspace archive (gzip-compressed tar, or zip) into a directory, refusing anything unsafe
/// (§12.3): more than <see cref="WorkspaceSourceOptions.MaxArchiveEntries"/> entries, more than
/// <see cref="WorkspaceSourceOptions.MaxUnpackedBytes"/> of entry data (tar extended headers included, counted before
/// they are read: <see cref="TarHeaderGuard"/>), absolute paths or <c>..</c>, links whose target leaves the root,
/// entries other than files, directories and links, and zip entries whose data does not match their declared size
/// and CRC-32 (a zip reader stops at the declared size, so longer data would otherwise be cut off silently). Links
/// that stay inside are not created (rototo skips them).
/// </summary>
internal static class ArchiveExtractor
{
    private const int UnixFileTypeMask = 0xF000;
    private const int UnixDirectory = 0x4000;
    private const int UnixRegularFile = 0x8000;
    private const int UnixSymbolicLink = 0xA000;

    /// <summary>Longest link target read from a zip entry (a path, PATH_MAX on Linux).</summary>
    private const int MaxLinkTarget = 4096;

    /// <param name="archive">The downloaded archive file.</param>
    /// <param name="target">The folder to unpack into.</param>
    /// <param name="budget">The load's staging budget, naming the archive in its messages (<c>archive</c>).</param>
    /// <param name="source">The source string, naming the archive in messages about extended headers.</param>
    public static void Extract(string archive, string target, StagingBudget budget, string source)
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
                ExtractTar(gzip, target, budget, source);
            }
            else if (read >= 4 && magic[0] == (byte)'P' && magic[1] == (byte)'K')
            {
                ExtractZip(file, target, budget);
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

    private static void ExtractTar(Stream stream, string target, StagingBudget budget, string source)
    {
        using var guard = new TarHeaderGuard(stream, budget, source);
        using var reader = new TarReader(guard);
        while (reader.GetNextEntry() is { } entry)
        {
            budget.CountEntry();
            if (entry.EntryType is TarEntryType.GlobalExtendedAttributes)
            {
                continue;
            }
            guard.EntryData(entry.Length);
            var path = entry.Name;
            CheckPath(path);
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(Destination(target, path));
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    WriteFile(target, path, entry.DataStream, entry.Length, budget, null);
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

    private static void ExtractZip(Stream stream, string target, StagingBudget budget)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read);
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
                budget.AddBytes(entry.Length);
                var link = LinkTarget(entry, path);
                CheckLink(path, Combine(Parent(path), link), link);
            }
            else if (type is 0 or UnixRegularFile)
            {
                budget.AddBytes(entry.Length);
                using var data = entry.Open();
                WriteFile(target, path, data, entry.Length, budget, entry.Crc32);
            }
            else
            {
                throw Error($"workspace archive contains unsupported entry type at: {path}");
            }
        }
    }

    /// <summary>A zip link entry's target: its data, at most <see cref="MaxLinkTarget"/> bytes.</summary>
    private static string LinkTarget(ZipArchiveEntry entry, string path)
    {
        using var data = entry.Open();
        var buffer = new byte[MaxLinkTarget + 1];
        var read = data.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (read > MaxLinkTarget)
        {
            throw Error($"workspace archive contains a link whose target is too long: {path}");
        }
        return System.Text.Encoding.UTF8.GetString(buffer, 0, read);
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

    /// <summary>Writes one file's data; <paramref name="crc32"/>, when given (zip), must match what was written.</summary>
    private static void WriteFile(string target, string path, Stream? data, long declared, StagingBudget budget, uint? crc32)
    {
        var destination = Destination(target, path);
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        using var output = File.Create(destination);
        if (data is null)
        {
            return;
        }
        // Never trust a declared size: stop as soon as more bytes arrive than were declared.
        var checksum = crc32 is null ? null : new Crc32();
        var written = BoundedCopy.Copy(data, output, declared, () => budget.TooLarge(), checksum is null ? null : checksum.Append);
        if (written != declared)
        {
            throw Error($"failed to read workspace archive: entry {path} is shorter than declared");
        }
        if (checksum is not null && checksum.GetCurrentHashAsUInt32() != crc32)
        {
            throw Error($"failed to read workspace archive: entry {path} does not match its declared size and CRC-32");
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
}
