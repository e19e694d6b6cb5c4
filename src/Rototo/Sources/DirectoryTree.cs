using Rototo.Discovery;

namespace Rototo.Sources;

/// <summary>
/// Copies workspace trees: local snapshots (§12.5) and layer projection (§13 step 3). A copy must lint exactly as the
/// tree it copies does in place, so links are handled as discovery handles them (§2.1 path containment): a link whose
/// target stays inside the tree is followed (a file is copied, a directory becomes a relative link to its own copy);
/// a link that leaves the tree, or whose target is missing, is recreated pointing at the same absolute place, so
/// discovery of the copy refuses it (<c>path escapes workspace</c>) or fails to read it as it would in place. FIFOs,
/// devices and sockets are refused before anything opens them. Entries and bytes count against the staging limits
/// (<see cref="WorkspaceSourceOptions.MaxArchiveEntries"/>, <see cref="WorkspaceSourceOptions.MaxUnpackedBytes"/>).
/// </summary>
internal static class DirectoryTree
{
    /// <summary>
    /// Copies <paramref name="source"/> into <paramref name="target"/>. Files replace files at the same relative path;
    /// a file replacing a directory (or the reverse) removes the old entry first.
    /// </summary>
    /// <param name="source">The tree to copy (canonical: no links on its own path).</param>
    /// <param name="target">The destination (created when missing).</param>
    /// <param name="skipRootManifest">Leave out the root <c>rototo-workspace.toml</c> (parent layers).</param>
    /// <param name="budget">The limits; its <see cref="StagingBudget.What"/> (<c>snapshot</c> or <c>layer</c>) names the tree in errors.</param>
    /// <exception cref="RototoException"><c>workspace {what} contains unsupported entry type: {path}</c> for a FIFO, device or socket; a limit's message; <c>failed to copy workspace {what} {source}: {error}</c>.</exception>
    public static void Copy(string source, string target, bool skipRootManifest, StagingBudget budget)
    {
        var what = budget.What;
        var tree = new Tree(source, target, budget);
        try
        {
            tree.CopyDirectory(source, target, skipRootManifest);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RototoException(RototoErrorCode.Source, $"failed to copy workspace {what} {source}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Counts a tree already written (a git checkout) against <paramref name="budget"/>: every entry, and the size of
    /// every regular file. Links are counted as entries and never followed.
    /// </summary>
    /// <param name="root">The tree.</param>
    /// <param name="budget">The limits; its <see cref="StagingBudget.What"/> names the tree in errors.</param>
    /// <exception cref="RototoException">A limit's message; <c>failed to read workspace {what} {root}: {error}</c>.</exception>
    public static void Count(string root, StagingBudget budget)
    {
        var directories = new Stack<string>([root]);
        try
        {
            while (directories.TryPop(out var directory))
            {
                foreach (var entry in Directory.EnumerateFileSystemEntries(directory))
                {
                    budget.CountEntry();
                    switch (FileKinds.Of(entry, followLinks: false))
                    {
                        case FileKind.Regular:
                            budget.AddBytes(new FileInfo(entry).Length);
                            break;
                        case FileKind.Directory:
                            directories.Push(entry);
                            break;
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RototoException(RototoErrorCode.Source, $"failed to read workspace {budget.What} {root}: {e.Message}", e);
        }
    }

    private sealed class Tree(string sourceRoot, string targetRoot, StagingBudget budget)
    {
        public void CopyDirectory(string directory, string destinationDirectory, bool skipRootManifest)
        {
            Directory.CreateDirectory(destinationDirectory);
            foreach (var entry in Directory.EnumerateFileSystemEntries(directory))
            {
                var name = Path.GetFileName(entry);
                if (skipRootManifest && name == WorkspaceSnapshot.ManifestFileName)
                {
                    continue;
                }
                var destination = Path.Combine(destinationDirectory, name);
                budget.CountEntry();
                switch (FileKinds.Of(entry, followLinks: false))
                {
                    case FileKind.Regular:
                        CopyFile(entry, destination);
                        break;
                    case FileKind.Directory:
                        ClearFor(destination, directory: true);
                        CopyDirectory(entry, destination, skipRootManifest: false);
                        break;
                    case FileKind.SymbolicLink:
                        CopyLink(entry, destination);
                        break;
                    case FileKind.Missing:
                        break; // removed while the tree was being copied
                    default:
                        throw Unsupported(entry);
                }
            }
        }

        private void CopyLink(string link, string destination)
        {
            string? resolved;
            try
            {
                resolved = PathResolution.Canonicalize(link);
            }
            catch (IOException)
            {
                resolved = null;
            }
            if (resolved is null || !PathResolution.IsInside(sourceRoot, resolved))
            {
                // Outside the tree, or dangling: the copy points where the original points.
                var linkTarget = new FileInfo(link).LinkTarget!;
                ClearFor(destination, directory: false);
                File.CreateSymbolicLink(destination, resolved ?? Path.GetFullPath(linkTarget, Path.GetDirectoryName(link)!));
                return;
            }
            switch (FileKinds.Of(resolved, followLinks: false))
            {
                case FileKind.Regular:
                    CopyFile(resolved, destination);
                    break;
                case FileKind.Directory:
                    // The directory is copied where it lies; a relative link to that copy cannot loop.
                    var copy = Path.Combine(targetRoot, Path.GetRelativePath(sourceRoot, resolved));
                    ClearFor(destination, directory: false);
                    Directory.CreateSymbolicLink(destination, Path.GetRelativePath(Path.GetDirectoryName(destination)!, copy));
                    break;
                default:
                    throw Unsupported(link);
            }
        }

        private void CopyFile(string file, string destination)
        {
            ClearFor(destination, directory: false);
            using var input = File.OpenRead(file);
            using var output = File.Create(destination);
            budget.AddBytes(BoundedCopy.Copy(input, output, budget.RemainingBytes, () => budget.TooLarge()));
        }

        /// <summary>Removes what an earlier layer left at <paramref name="destination"/> that the new entry cannot replace in place.</summary>
        private static void ClearFor(string destination, bool directory)
        {
            switch (FileKinds.Of(destination, followLinks: false))
            {
                case FileKind.Directory when !directory:
                    Directory.Delete(destination, recursive: true);
                    break;
                case FileKind.SymbolicLink:
                case FileKind.Regular when directory:
                    File.Delete(destination);
                    break;
            }
        }

        private RototoException Unsupported(string entry) =>
            new(RototoErrorCode.Source, $"workspace {budget.What} contains unsupported entry type: {Path.GetRelativePath(sourceRoot, entry)}");
    }
}
