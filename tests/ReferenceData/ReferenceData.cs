using System.Globalization;

namespace CloudRuntimes.Testing;

/// <summary>
/// The shared reference data (rototo's workspaces and fixtures, the upstream VTX WIT): the folder <c>../shared</c>
/// beside the repository, or the folder named by <c>CLOUD_RUNTIMES_SHARED</c>. When it is absent, the tests marked
/// <see cref="ReferenceDataFactAttribute"/> or <see cref="ReferenceDataTheoryAttribute"/> are withheld at discovery
/// and <see cref="ReferenceDataTests"/> reports them all in one skip line (<see cref="SkipSummary"/>) instead of one
/// skip message per test.
/// </summary>
public static class ReferenceData
{
    /// <summary>The environment variable that points the lookup at another folder (a missing one hides the data).</summary>
    public const string Variable = "CLOUD_RUNTIMES_SHARED";

    private static int _withheld;

    /// <summary>The repository root (the folder holding CloudRuntimes.slnx above the test binaries).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The absolute path of the reference data folder, whether or not it exists.</summary>
    public static string Folder { get; } = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } chosen
        ? System.IO.Path.GetFullPath(chosen)
        : System.IO.Path.GetFullPath(System.IO.Path.Combine(RepositoryRoot, "..", "shared"));

    /// <summary>True when <see cref="Folder"/> exists.</summary>
    public static bool IsPresent => Directory.Exists(Folder);

    /// <summary>Why the reference data is missing: the folder looked at and how it was chosen.</summary>
    public static string Absence => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 }
        ? $"reference data not found at {Folder} ({Variable})"
        : $"../shared (reference data) not found beside the repository at {Folder}";

    /// <summary>How many test cases were withheld at discovery because the data is missing.</summary>
    public static int Withheld => Volatile.Read(ref _withheld);

    /// <summary>The one line a run without the data shows: <c>skipped N tests: ../shared (reference data) not found ...</c>.</summary>
    public static string SkipSummary => string.Create(CultureInfo.InvariantCulture, $"skipped {Withheld} {(Withheld == 1 ? "test" : "tests")}: {Absence}");

    /// <summary>A path under the reference data folder; skips the calling test when the data is missing.</summary>
    /// <param name="parts">The path under the folder, e.g. <c>"rototo", "examples/basic"</c>.</param>
    /// <returns>The absolute path.</returns>
    public static string Path(params string[] parts)
    {
        Assert.SkipUnless(IsPresent, $"{Absence} (mark the test [ReferenceDataFact] or [ReferenceDataTheory] to have it counted in the one skip line)");
        return System.IO.Path.Combine([Folder, .. parts]);
    }

    /// <summary>The test cases of a reference data test: all of them when the data is present, none (counted) when not.</summary>
    /// <param name="testCases">The cases the standard discoverer found.</param>
    /// <returns>The cases to run.</returns>
    internal static IReadOnlyCollection<TCase> Withhold<TCase>(IReadOnlyCollection<TCase> testCases)
    {
        if (IsPresent)
        {
            return testCases;
        }
        Interlocked.Add(ref _withheld, testCases.Count);
        return [];
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "CloudRuntimes.slnx")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("CloudRuntimes.slnx not found above " + AppContext.BaseDirectory);
    }
}
