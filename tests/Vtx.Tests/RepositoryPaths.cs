namespace Vtx.Tests;

/// <summary>Finds the repository root and the shared reference data beside it.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The shared reference folder (../shared from the root), or null when absent.</summary>
    public static string? Shared(params string[] parts)
    {
        var path = Path.GetFullPath(Path.Combine([Root, "..", "shared", .. parts]));
        return File.Exists(path) || Directory.Exists(path) ? path : null;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CloudRuntimes.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("CloudRuntimes.slnx not found above " + AppContext.BaseDirectory);
    }
}
