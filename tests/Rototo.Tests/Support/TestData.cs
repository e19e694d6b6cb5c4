
namespace Rototo.Tests.Support;

/// <summary>Where the repository and the shared reference data are.</summary>
internal static class TestData
{
    /// <summary>The repository root (the folder holding CloudRuntimes.slnx).</summary>
    public static string RepositoryRoot => ReferenceData.RepositoryRoot;

    /// <summary><c>rototo</c> of the shared reference data (<see cref="ReferenceData"/>); skips the test when it is absent.</summary>
    /// <returns>The absolute path of rototo's reference workspaces.</returns>
    public static string SharedRototo() => ReferenceData.Path("rototo");

    /// <summary>A path under the shared <c>rototo</c> folder; skips the test when the shared folder is absent.</summary>
    /// <param name="relative">Path relative to the shared rototo folder, e.g. <c>examples/basic</c>.</param>
    /// <returns>The absolute path.</returns>
    public static string SharedRototo(string relative) => Path.Combine(SharedRototo(), relative);
}
