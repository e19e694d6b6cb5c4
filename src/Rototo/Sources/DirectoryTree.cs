using Rototo.Discovery;

namespace Rototo.Sources;

/// <summary>Copies workspace trees: local snapshots (§12.5) and layer projection (§13 step 3).</summary>
internal static class DirectoryTree
{
    /// <summary>
    /// Copies <paramref name="source"/> into <paramref name="target"/>, following symbolic links. Files replace files
    /// at the same relative path; a file replacing a directory (or the reverse) removes the old entry first.
    /// </summary>
    /// <param name="source">The tree to copy.</param>
    /// <param name="target">The destination (created when missing).</param>
    /// <param name="skipRootManifest">Leave out the root <c>rototo-workspace.toml</c> (parent layers).</param>
    /// <param name="what">Names the tree in errors: <c>snapshot</c> or <c>layer</c>.</param>
    public static void Copy(string source, string target, bool skipRootManifest, string what)
    {
        try
        {
            CopyDirectory(new DirectoryInfo(source), target, source, skipRootManifest, what);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RototoException(RototoErrorCode.Source, $"failed to copy workspace {what} {source}: {e.Message}", e);
        }
    }

    private static void CopyDirectory(DirectoryInfo source, string target, string root, bool skipRootManifest, string what)
    {
        Directory.CreateDirectory(target);
        foreach (var entry in source.EnumerateFileSystemInfos())
        {
            if (skipRootManifest && entry.Name == WorkspaceSnapshot.ManifestFileName)
            {
                continue;
            }
            var destination = Path.Combine(target, entry.Name);
            var resolved = entry.LinkTarget is null ? entry : entry.ResolveLinkTarget(returnFinalTarget: true);
            switch (resolved)
            {
                case FileInfo { Exists: true } file:
                    if (Directory.Exists(destination))
                    {
                        Directory.Delete(destination, recursive: true);
                    }
                    if (file.Length == 0)
                    {
                        // Never open an empty entry: it may be a FIFO or device, and opening a FIFO blocks forever.
                        File.WriteAllBytes(destination, []);
                    }
                    else
                    {
                        file.CopyTo(destination, overwrite: true);
                    }
                    break;
                case DirectoryInfo { Exists: true } directory:
                    if (File.Exists(destination))
                    {
                        File.Delete(destination);
                    }
                    CopyDirectory(directory, destination, root, skipRootManifest: false, what);
                    break;
                default:
                    throw new RototoException(RototoErrorCode.Source, $"workspace {what} contains unsupported entry type: {Path.GetRelativePath(root, entry.FullName)}");
            }
        }
    }
}
