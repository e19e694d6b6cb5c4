using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Rototo.Tests.Cli;

/// <summary><c>rototo completions &lt;SHELL&gt;</c> and <c>rototo docs</c> (§15) as real processes.</summary>
public sealed class CompletionsAndDocsCommandTests
{
    private static readonly string[] Commands = ["resolve", "lint", "inspect", "show", "init", "fixtures", "docs", "lsp", "completions"];

    [Theory]
    [InlineData("bash")]
    [InlineData("elvish")]
    [InlineData("fish")]
    [InlineData("powershell")]
    [InlineData("zsh")]
    public async Task Every_shell_gets_a_script_naming_every_command(string shell)
    {
        var result = await CliProcess.RunAsync(TestData.RepositoryRoot, "completions", shell);

        Assert.Equal(0, result.ExitCode);
        Assert.All(Commands, c => Assert.Contains(c, result.Stdout, StringComparison.Ordinal));
        Assert.Contains("workspace-token", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_shell_is_a_usage_error()
    {
        var result = await CliProcess.RunAsync(TestData.RepositoryRoot, "completions", "tcsh");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("tcsh", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("li", "lint")]
    [InlineData("fixtures --o", "--out")]
    [InlineData("resolve --varia", "--variable --variables")]
    public async Task The_bash_script_completes_commands_and_their_options(string typed, string expected)
    {
        var script = (await CliProcess.RunAsync(TestData.RepositoryRoot, "completions", "bash")).Stdout;
        var words = ("rototo " + typed).Split(' ');
        var start = new ProcessStartInfo("bash") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        using var bash = Process.Start(start)!;
        await bash.StandardInput.WriteAsync(script + $"\nCOMP_WORDS=({string.Join(' ', words.Select(w => $"'{w}'"))}); COMP_CWORD={words.Length - 1}; _rototo; echo \"${{COMPREPLY[*]}}\"\n");
        bash.StandardInput.Close();
        var output = await bash.StandardOutput.ReadToEndAsync();
        await bash.WaitForExitAsync();

        Assert.Equal(expected, output.Trim());
    }

    [Fact]
    public async Task Docs_index_lists_the_bundled_pages_as_json()
    {
        var result = await CliProcess.RunAsync(TestData.RepositoryRoot, "docs", "--json");

        Assert.Equal(0, result.ExitCode);
        var sections = JsonNode.Parse(result.Stdout)!["sections"]!.AsArray();
        Assert.Equal("Rototo for .NET", (string?)sections[0]!["title"]);
        Assert.Contains(sections[0]!["pages"]!.AsArray(), p => (string?)p!["id"] == "custom-lua-lint" && (string?)p["title"] == "Custom Lua lint");
    }

    [Fact]
    public async Task Docs_page_prints_one_page_and_refuses_missing_or_ambiguous_prefixes()
    {
        var page = await CliProcess.RunAsync(TestData.RepositoryRoot, "docs", "-p", "custom-lua");
        var missing = await CliProcess.RunAsync(TestData.RepositoryRoot, "docs", "-p", "nothing-like-this");
        var ambiguous = await CliProcess.RunAsync(TestData.RepositoryRoot, "docs", "-p", "c");

        Assert.Equal(0, page.ExitCode);
        Assert.StartsWith("## Custom Lua lint\n", page.Stdout, StringComparison.Ordinal);
        Assert.Equal((1, "error: docs page not found: nothing-like-this"), (missing.ExitCode, missing.Stderr.Trim()));
        Assert.Equal(1, ambiguous.ExitCode);
        Assert.StartsWith("error: docs page prefix is ambiguous: c", ambiguous.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Docs_search_and_export()
    {
        var site = Path.Combine(Path.GetTempPath(), "rototo-site-" + Guid.NewGuid().ToString("N"));
        try
        {
            var search = await CliProcess.RunAsync(TestData.RepositoryRoot, "docs", "-s", "^## Custom Lua lint$");
            var export = await CliProcess.RunAsync(TestData.RepositoryRoot, "docs", "--export", site);

            Assert.Equal("custom-lua-lint:1: ## Custom Lua lint", search.Stdout.Trim());
            Assert.Equal(0, export.ExitCode);
            Assert.StartsWith("## Custom Lua lint", File.ReadAllText(Path.Combine(site, "custom-lua-lint.md")), StringComparison.Ordinal);
            Assert.Contains("- [Custom Lua lint](custom-lua-lint.md)", File.ReadAllText(Path.Combine(site, "index.md")), StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(site))
            {
                Directory.Delete(site, recursive: true);
            }
        }
    }
}
