namespace Rototo.Refresh;

/// <summary>Copies a local workspace into a private temporary directory so later edits do not affect a loaded copy (§12.5).</summary>
internal static class WorkspaceSnapshotCopy
{
    public static string Create(string sourceRoot)
    {
        var target = Path.Combine(Path.GetTempPath(), "rototo-snapshot-" + Guid.NewGuid().ToString("N"));
        try
        {
            Copy(new DirectoryInfo(sourceRoot), target, sourceRoot);
            return target;
        }
        catch
        {
            Delete(target);
            throw;
        }
    }

    public static void Delete(string? directory)
    {
        if (directory is null)
        {
            return;
        }
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A snapshot that cannot be removed now is left for the OS temp cleanup.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void Copy(DirectoryInfo source, string target, string root)
    {
        Directory.CreateDirectory(target);
        foreach (var entry in source.EnumerateFileSystemInfos())
        {
            var destination = Path.Combine(target, entry.Name);
            var resolved = entry.LinkTarget is null ? entry : entry.ResolveLinkTarget(returnFinalTarget: true);
            switch (resolved)
            {
                case FileInfo { Exists: true } file:
                    file.CopyTo(destination);
                    break;
                case DirectoryInfo { Exists: true } directory:
                    Copy(directory, destination, root);
                    break;
                default:
                    throw new RototoException(RototoErrorCode.Source, $"workspace snapshot contains unsupported entry type: {Path.GetRelativePath(root, entry.FullName)}");
            }
        }
    }
}
