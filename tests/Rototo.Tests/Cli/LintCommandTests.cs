namespace Rototo.Tests.Cli;

/// <summary><c>rototo lint</c> as a real process (rototo-acceptance.md H-01, G-01, M-09).</summary>
public sealed class LintCommandTests
{
    [ReferenceDataFact]
    public async Task Clean_workspace_prints_ok_with_its_absolute_root()
    {
        var shared = TestData.SharedRototo();
        var result = await CliProcess.RunAsync(shared, "lint", "examples/basic");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"ok: {Path.Combine(shared, "examples", "basic")}\n", result.Stdout);
    }

    [ReferenceDataFact]
    public async Task Quiet_clean_lint_prints_nothing()
    {
        var result = await CliProcess.RunAsync(TestData.SharedRototo(), "--quiet", "lint", "examples/basic");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stdout);
    }

    [ReferenceDataFact]
    public async Task Lint_errors_exit_1_and_print_each_diagnostic()
    {
        var result = await CliProcess.RunAsync(TestData.SharedRototo(), "--quiet", "lint", "tests/fixtures/workspaces/lint-failures");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error[rototo/", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("  help: ", result.Stdout, StringComparison.Ordinal);
    }

    [ReferenceDataFact]
    public async Task Missing_workspace_is_reported_as_json_with_the_path_as_given()
    {
        var result = await CliProcess.RunAsync(TestData.SharedRototo(), "lint", "tests/fixtures/workspaces/rules/discover/workspace-not-found", "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("\"rule\": \"rototo/workspace-not-found\"", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"workspace\": \"tests/fixtures/workspaces/rules/discover/workspace-not-found\"", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"path\": \"tests/fixtures/workspaces/rules/discover/workspace-not-found\"", result.Stdout, StringComparison.Ordinal);
    }

    [ReferenceDataFact]
    public async Task Warnings_alone_exit_0()
    {
        var result = await CliProcess.RunAsync(TestData.SharedRototo(), "lint", "tests/fixtures/workspaces/rules/graph/qualifier-unreferenced");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("warning[rototo/qualifier-unreferenced]: qualifiers/unused.toml: qualifier is not referenced: unused", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-V")]
    [InlineData("--version")]
    [InlineData("lint", "examples/storefront", "-V")]
    [InlineData("--json", "--version", "lint")]
    public async Task Version_flag_at_any_position_prints_the_compatible_rototo_version(params string[] args)
    {
        var result = await CliProcess.RunAsync(TestData.RepositoryRoot, args);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("rototo 0.1.0-alpha.4\n", result.Stdout);
    }

    [Fact]
    public async Task Unknown_option_is_a_usage_error_with_exit_2()
    {
        var result = await CliProcess.RunAsync(TestData.RepositoryRoot, "resolve", "examples/storefront", "--lint-rule", "x");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--lint-rule", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_lint_rule_of_unknown_rule_fails()
    {
        var result = await CliProcess.RunAsync(TestData.RepositoryRoot, "show", "--lint-rule", "rototo/missing");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: diagnostic not found: rototo/missing\n", result.Stderr);
    }

    [Fact]
    public async Task Init_creates_a_workspace_that_lints_clean()
    {
        var directory = Path.Combine(Path.GetTempPath(), "rototo-init-" + Guid.NewGuid().ToString("N"));
        try
        {
            var init = await CliProcess.RunAsync(TestData.RepositoryRoot, "init", directory, "--variable", "greeting");
            Assert.Equal(0, init.ExitCode);
            Assert.True(File.Exists(Path.Combine(directory, "rototo-workspace.toml")));

            var again = await CliProcess.RunAsync(TestData.RepositoryRoot, "init", directory, "--variable", "greeting");
            Assert.Equal(1, again.ExitCode);
            Assert.Contains("file already exists", again.Stderr, StringComparison.Ordinal);

            var lint = await CliProcess.RunAsync(TestData.RepositoryRoot, "lint", directory);
            Assert.Equal(0, lint.ExitCode);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
