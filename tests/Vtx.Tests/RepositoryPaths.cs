using CloudRuntimes.Testing;

namespace Vtx.Tests;

/// <summary>Finds the repository root and the shared reference data beside it.</summary>
internal static class RepositoryPaths
{
    public static string Root => ReferenceData.RepositoryRoot;

    /// <summary>A path under the shared reference data (<see cref="ReferenceData"/>); skips the test when the data is absent.</summary>
    public static string Shared(params string[] parts) => ReferenceData.Path(parts);
}
