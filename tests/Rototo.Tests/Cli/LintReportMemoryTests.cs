using System.Text;
using System.Text.Json;

namespace Rototo.Tests.Cli;

/// <summary>
/// <c>rototo lint --json</c> of a legal workspace with tens of thousands of diagnostics, as a real process with a capped
/// GC heap: the report must be written as it is built, not held whole (it was a JSON tree, a string and a string builder
/// of the whole report at once: 6.2 GB for 5,000 variables of 200 values each).
/// </summary>
public sealed class LintReportMemoryTests
{
    private const int Variables = 200;
    private const int ValuesPerVariable = 200;

    [Fact]
    public async Task Json_report_of_40_000_warnings_is_written_within_a_96_MiB_heap()
    {
        using var workspace = new TempWorkspace();
        for (var v = 0; v < Variables; v++)
        {
            var text = new StringBuilder("schema_version = 1\ntype = \"int\"\n\n[values]\n");
            for (var i = 0; i < ValuesPerVariable; i++)
            {
                text.Append($"value-{i:D3} = {i}\n");
            }
            text.Append("\n[resolve]\ndefault = \"value-000\"\n");
            workspace.Write($"variables/v{v:D3}.toml", text.ToString());
        }

        // The input is about 0.8 MB and the report about 26 MB; 96 MiB of heap is ample for one diagnostic's JSON at a
        // time beside the parsed workspace, and too little for the whole report as a string (52 MB of UTF-16) plus its builder.
        var environment = new Dictionary<string, string?> { ["DOTNET_GCHeapHardLimit"] = "0x6000000" };
        var result = await CliProcess.RunAsync(workspace.Root, environment, "lint", ".", "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var report = JsonDocument.Parse(result.Stdout);
        var diagnostics = report.RootElement.GetProperty("diagnostics");
        // Every value but the default is unused: 199 warnings per variable, nothing else.
        Assert.Equal(Variables * (ValuesPerVariable - 1), diagnostics.GetArrayLength());
        Assert.All(diagnostics.EnumerateArray(), d => Assert.Equal("rototo/variable-value-unused", d.GetProperty("rule").GetString()));
        Assert.Equal(Variables + 1, report.RootElement.GetProperty("documents").GetArrayLength());
    }
}
