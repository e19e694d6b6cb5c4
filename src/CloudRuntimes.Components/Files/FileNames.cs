using System.Text;

namespace CloudRuntimes.Components.Files;

/// <summary>
/// The rules a file name must meet before any file system call (every entry point of <c>file.local</c>: the file API
/// over HTTP and the plugins' <c>stream-io.open-file</c>): a relative '/'-separated path, not empty, without NUL,
/// <c>..</c> segments or a root, of at most <see cref="MaxNameBytes"/> bytes, <see cref="MaxSegments"/> segments and
/// <see cref="MaxSegmentBytes"/> bytes per segment (UTF-8). A path of 1,500 segments used to create 1,500 folders.
/// </summary>
public static class FileNames
{
    /// <summary>Longest name, in UTF-8 bytes: 1,024 (as S3 object keys).</summary>
    public const int MaxNameBytes = 1024;

    /// <summary>Most segments (folders and the file) of a name: 32.</summary>
    public const int MaxSegments = 32;

    /// <summary>Longest segment, in UTF-8 bytes: 255 (the file name limit of Linux, macOS and Windows file systems).</summary>
    public const int MaxSegmentBytes = 255;

    /// <summary>Most characters of a name quoted in an error message; a longer name is cut and ends with "…".</summary>
    private const int ShownLength = 120;

    /// <summary>The segments of a valid name (<c>.</c> and empty segments dropped), or why it is refused.</summary>
    /// <param name="name">The name as the caller gave it.</param>
    /// <param name="segments">The segments, in order; empty when refused.</param>
    /// <returns>Null when the name is valid; otherwise what is wrong with it, e.g. <c>it has 1,500 segments (at most 32)</c>.</returns>
    public static string? Check(string name, out IReadOnlyList<string> segments)
    {
        segments = [];
        if (string.IsNullOrWhiteSpace(name) || name.Contains('\0', StringComparison.Ordinal))
        {
            return "the name is empty";
        }
        if (Encoding.UTF8.GetByteCount(name) > MaxNameBytes)
        {
            return $"it is longer than {MaxNameBytes:N0} bytes";
        }
        if (name.StartsWith('/') || name.StartsWith('\\') || Path.IsPathRooted(name))
        {
            return "absolute paths are not allowed";
        }
        var parts = Split(name);
        if (parts.Any(s => s == ".."))
        {
            return "'..' segments are not allowed";
        }
        if (parts.Count == 0)
        {
            return "the name has no file part";
        }
        if (parts.Count > MaxSegments)
        {
            return $"it has {parts.Count:N0} segments (at most {MaxSegments})";
        }
        if (parts.FirstOrDefault(s => Encoding.UTF8.GetByteCount(s) > MaxSegmentBytes) is { } longSegment)
        {
            return $"segment '{Shown(longSegment)}' is longer than {MaxSegmentBytes} bytes";
        }
        segments = parts;
        return null;
    }

    /// <summary>The segments of a name or relative path ('/' or '\' separated), without empty and <c>.</c> segments.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The segments.</returns>
    public static List<string> Split(string name) =>
        [.. name.Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".")];

    /// <summary>A name as error messages quote it: whole up to 120 characters, else its start and "…".</summary>
    /// <param name="name">The name.</param>
    /// <returns>The text to quote.</returns>
    public static string Shown(string name) => name.Length <= ShownLength ? name : string.Concat(name.AsSpan(0, ShownLength), "…");
}
