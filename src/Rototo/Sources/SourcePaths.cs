using Rototo.Discovery;

namespace Rototo.Sources;

/// <summary>Path rules shared by git, archive and layered sources (§12.2, §12.3, §13).</summary>
internal static class SourcePaths
{
    /// <summary>
    /// True for a non-empty relative path made only of normal names (no root, no <c>..</c>, no leading <c>.</c>;
    /// a <c>.</c> inside the path and repeated separators are ignored, as path component iteration does).
    /// </summary>
    public static bool IsSafeRelative(string path, bool allowLeadingCurrentDirectory = false)
    {
        if (path.Length == 0 || path.StartsWith('/') || path.StartsWith('\\') || Path.IsPathRooted(path))
        {
            return false;
        }
        var segments = path.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (segment == ".." || segment.Contains('\\', StringComparison.Ordinal) || segment.Contains('\0', StringComparison.Ordinal))
            {
                return false;
            }
            if (segment == "." && i == 0 && !allowLeadingCurrentDirectory)
            {
                return false;
            }
        }
        return segments.Any(s => s.Length > 0 && s != ".");
    }

    /// <summary>The workspace root inside a fetched tree: the tree itself, or the safe, existing, contained <paramref name="subdirectory"/>.</summary>
    public static string SelectSubdirectory(string root, string? subdirectory, string original)
    {
        var canonicalRoot = PathResolution.Canonicalize(root);
        if (subdirectory is null)
        {
            return canonicalRoot;
        }
        if (!IsSafeRelative(subdirectory))
        {
            throw Error($"workspace source subdir is unsafe: {subdirectory}");
        }
        var target = Path.Combine(root, subdirectory);
        if (File.Exists(target))
        {
            throw Error($"workspace source subdir `{subdirectory}` is not a directory");
        }
        if (!Directory.Exists(target))
        {
            throw Error($"workspace source subdir `{subdirectory}` was not found in `{original}`");
        }
        string canonical;
        try
        {
            canonical = PathResolution.Canonicalize(target);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Error($"failed to canonicalize workspace source subdir `{subdirectory}`: {e.Message}");
        }
        if (!IsInside(canonical, canonicalRoot))
        {
            throw Error($"workspace source subdir `{subdirectory}` escapes staged workspace");
        }
        return canonical;
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="root"/> or below it (both absolute and normalized).</summary>
    public static bool IsInside(string path, string root) =>
        path == root || path.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static RototoException Error(string message) => new(RototoErrorCode.Source, message);
}
