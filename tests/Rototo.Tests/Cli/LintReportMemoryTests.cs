using System.Text.Json;

namespace Rototo.Tests.Cli;

/// <summary>
/// <c>rototo lint</c> of legal workspaces with tens of thousands of diagnostics, as a real process with a capped GC heap:
/// the report lists the first <see cref="WorkspaceLint.MaxDiagnostics"/> (10,000) diagnostics in rototo's order and counts
/// the rest. Every diagnostic was kept until lint ended (about 600 bytes each: 600 MB for 5,000 variables of 200 values),
/// and <c>--json</c> held the whole report as a JSON tree and two strings besides.
/// </summary>
public sealed class LintReportMemoryTests
{
    private const int ValuesPerVariable = 200;

    /// <summary>Variables of the text report's workspace: 1,000 x 199 warnings, about 4 MB of TOML.</summary>
    private const int Variables = 1_000;

    [Fact]
    public async Task Json_report_of_40_000_warnings_lists_the_first_10_000_within_a_96_MiB_heap()
    {
        using var workspace = new TempWorkspace().VariablesWithUnusedValues(200, ValuesPerVariable);

        // The input is about 0.8 MB and the report of all diagnostics about 26 MB; 96 MiB of heap is ample for one
        // diagnostic's JSON at a time beside the parsed workspace, and too little for the whole report as a string (52 MB of
        // UTF-16) plus its builder.
        var environment = new Dictionary<string, string?> { ["DOTNET_GCHeapHardLimit"] = "0x6000000" };
        var result = await CliProcess.RunAsync(workspace.Root, environment, "lint", ".", "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var report = JsonDocument.Parse(result.Stdout);
        var diagnostics = report.RootElement.GetProperty("diagnostics");
        // 199 warnings per variable, 39,800 in all. In rototo's order (path, then line) the first 10,000 are all of
        // v0000 … v0049 (9,950) and the first 50 of v0050: value-001 … value-050.
        Assert.Equal(10_000, diagnostics.GetArrayLength());
        Assert.All(diagnostics.EnumerateArray(), d => Assert.Equal("rototo/variable-value-unused", d.GetProperty("rule").GetString()));
        var last = diagnostics[9_999];
        Assert.Equal("variables/v0050.toml", last.GetProperty("location").GetProperty("path").GetString());
        Assert.Equal("variable value is not referenced: value-050", last.GetProperty("message").GetString());
        var notShown = report.RootElement.GetProperty("diagnostics_not_shown");
        Assert.Equal((0, 39_800 - 10_000), (notShown.GetProperty("errors").GetInt32(), notShown.GetProperty("warnings").GetInt32()));
        Assert.Equal(200 + 1, report.RootElement.GetProperty("documents").GetArrayLength());
    }

    [Fact]
    public async Task Text_report_of_a_workspace_with_more_diagnostics_than_its_heap_holds_lists_the_first_10_000()
    {
        using var workspace = new TempWorkspace().VariablesWithUnusedValues(Variables, ValuesPerVariable);
        var inputBytes = Directory.EnumerateFiles(workspace.Root, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

        var environment = new Dictionary<string, string?> { ["DOTNET_GCHeapHardLimit"] = $"0x{HeapBound(inputBytes):x}" };
        var result = await CliProcess.RunAsync(workspace.Root, environment, "lint", ".");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // Each warning prints a headline and a help line: 10,000 of them, then the count of the rest.
        var headlines = lines.Where(l => l.StartsWith("warning[", StringComparison.Ordinal)).ToList();
        Assert.Equal(10_000, headlines.Count);
        Assert.Equal("warning[rototo/variable-value-unused]: variables/v0050.toml:55:13: variable value is not referenced: value-050", headlines[^1]);
        var rest = (Variables * (ValuesPerVariable - 1)) - 10_000;
        Assert.Equal($"... {rest} more diagnostics not shown (0 error(s), {rest} warning(s)): lint lists the first 10000", lines[^1]);
    }

    [Fact]
    public async Task Selectors_choose_before_the_first_10_000_are_kept_and_an_error_past_them_still_fails_lint()
    {
        // 60 variables: 11,940 warnings; the selected variable is the last one, wholly past the first 10,000.
        using var workspace = new TempWorkspace().VariablesWithUnusedValues(60, ValuesPerVariable)
            .Write("variables/zz.toml", "schema_version = 1\ntype = \"int\"\n\n[values]\nstandard = \"not an int\"\n\n[resolve]\ndefault = \"standard\"\n");

        var selected = await CliProcess.RunAsync(workspace.Root, "lint", ".", "--variable", "v0059", "--json");
        var all = await CliProcess.RunAsync(workspace.Root, "lint", ".");

        Assert.True(selected.ExitCode == 0, selected.Stderr);
        using var report = JsonDocument.Parse(selected.Stdout);
        Assert.Equal(ValuesPerVariable - 1, report.RootElement.GetProperty("diagnostics").GetArrayLength());
        Assert.False(report.RootElement.TryGetProperty("diagnostics_not_shown", out _));
        // The type error of zz.toml sorts after every v… path: not listed, but counted, and lint fails.
        Assert.Equal(1, all.ExitCode);
        Assert.DoesNotContain("error[", all.Stdout, StringComparison.Ordinal);
        Assert.EndsWith($"... {11_940 + 1 - 10_000} more diagnostics not shown (1 error(s), {11_940 - 10_000} warning(s)): lint lists the first 10000\n", all.Stdout, StringComparison.Ordinal);
    }

    /// <summary>
    /// The heap the text report may use: 32 MiB for the runtime plus 16 times the input, which holds the parsed workspace
    /// (about 11 times its size) and 10,000 diagnostics (6 MB), but not one kept diagnostic (600 bytes) per 16 bytes of
    /// input line (<c>value-123 = 123</c>), which is 37 times the input.
    /// </summary>
    private static long HeapBound(long inputBytes) => (32L * 1024 * 1024) + (16 * inputBytes);
}
