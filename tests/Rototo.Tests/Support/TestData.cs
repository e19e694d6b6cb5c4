namespace Rototo.Tests.Support;

/// <summary>Where the repository and the shared reference data are.</summary>
internal static class TestData
{
    /// <summary>The repository root (the folder holding CloudRuntimes.slnx).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary><c>../shared/rototo</c> beside the repository; skips the test when it is absent.</summary>
    /// <returns>The absolute path of rototo's reference workspaces.</returns>
    public static string SharedRototo()
    {
        var path = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "rototo"));
        if (!Directory.Exists(path))
        {
            Assert.Skip($"rototo reference workspaces not found at {path}; put the shared folder beside the repository to run this test");
        }
        return path;
    }

    /// <summary>A path under <c>../shared/rototo</c>; skips the test when the shared folder is absent.</summary>
    /// <param name="relative">Path relative to the shared rototo folder, e.g. <c>examples/basic</c>.</param>
    /// <returns>The absolute path.</returns>
    public static string SharedRototo(string relative) => Path.Combine(SharedRototo(), relative);

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CloudRuntimes.slnx")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("CloudRuntimes.slnx not found above the test binaries");
    }
}
