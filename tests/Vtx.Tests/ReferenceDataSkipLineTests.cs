using System.Diagnostics;
using CloudRuntimes.Testing;

namespace Vtx.Tests;

/// <summary>
/// A run without the shared reference data says once, in one line, how many tests it skipped and why (issue #20): this
/// project's run through <c>dotnet test</c> (the README's command, one project of it) with the lookup pointed at a
/// missing folder. This project has one test that reads the data (the upstream WIT comparison).
/// </summary>
public sealed class ReferenceDataSkipLineTests
{
    [Fact]
    public async Task Dotnet_test_without_the_reference_data_shows_one_line_for_the_tests_that_need_it()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-shared-" + Guid.NewGuid().ToString("N"));
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryPaths.Root,
        };
        foreach (var argument in (string[])["test", "--project", "tests/Vtx.Tests/Vtx.Tests.csproj", "--no-build", "-c", configuration, "--no-ansi", "--no-progress",
            "-e", $"{ReferenceData.Variable}={missing}",
            "--", "--filter-class", "*.WitDefinitionTests", "--filter-class", "*.ReferenceDataTests"])
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        var output = await stdout + await stderr;

        Assert.True(process.ExitCode == 0, $"dotnet test exited {process.ExitCode}:\n{output}");
        var lines = output.Split('\n').Select(l => l.Trim()).ToList();
        // WitDefinitionTests: five tests, one of which compares with the upstream WIT of the reference data.
        Assert.Equal([$"skipped 1 test: reference data not found at {missing} (CLOUD_RUNTIMES_SHARED)"], lines.Where(l => l.Contains("reference data", StringComparison.Ordinal)));
        Assert.Contains("succeeded: 4", lines);
        Assert.Contains("skipped: 1", lines);
    }
}
