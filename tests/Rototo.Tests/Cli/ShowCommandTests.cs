namespace Rototo.Tests.Cli;

/// <summary><c>rototo show</c> as a real process (rototo-acceptance.md M-06 and M-07, the parts without custom Lua lint).</summary>
public sealed class ShowCommandTests
{
    [Fact]
    public async Task Global_catalog_table_lists_rules_with_entities_and_titles()
    {
        var result = await CliProcess.RunAsync(TestData.RepositoryRoot, "show", "--lint-rules");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("rule", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("entity", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("rototo/workspace-not-found", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("rototo/qualifier-parse-failed", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Qualifier TOML file could not be parsed", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("help:", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Global_catalog_json_has_scope_and_no_retired_rules()
    {
        var result = await CliProcess.RunAsync(TestData.RepositoryRoot, "show", "--lint-rules", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\"scope\": \"global\"", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"subject\": \"global\"", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"rule\": \"rototo/workspace-not-found\"", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"rule\": \"rototo/qualifier-unreferenced\"", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"severity\": \"warning\"", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("rototo/variable-lint-shape", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("rototo/qualifier-missing-table", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("rototo/variable-missing-table", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_rule_shows_its_entity()
    {
        var result = await CliProcess.RunAsync(TestData.RepositoryRoot, "show", "--lint-rule", "rototo/qualifier-parse-failed");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("entity: qualifier", result.Stdout, StringComparison.Ordinal);
    }

    [ReferenceDataFact]
    public async Task Qualifier_list_and_json_uris()
    {
        var shared = TestData.SharedRototo();

        var table = await CliProcess.RunAsync(shared, "show", "examples/basic", "--qualifiers");
        var json = await CliProcess.RunAsync(shared, "show", "examples/basic", "--qualifiers", "--json");

        Assert.Equal(0, table.ExitCode);
        Assert.Contains("admin-users", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("premium-users", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("premium-beta-users", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"uri\": \"qualifier://premium-users\"", json.Stdout, StringComparison.Ordinal);
    }

    [ReferenceDataFact]
    public async Task One_qualifier_prints_its_toml_or_json()
    {
        var shared = TestData.SharedRototo();

        var toml = await CliProcess.RunAsync(shared, "show", "examples/basic", "--qualifier", "premium-users");
        var json = await CliProcess.RunAsync(shared, "show", "examples/basic", "--qualifier", "premium-users", "--json");

        Assert.Contains("description = \"Users on the premium plan\"", toml.Stdout, StringComparison.Ordinal);
        Assert.Contains("attribute = \"user.tier\"", toml.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"id\"", json.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"uri\"", json.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"attribute\": \"user.tier\"", json.Stdout, StringComparison.Ordinal);
    }

    [ReferenceDataFact]
    public async Task Variable_is_found_from_the_workspace_containing_the_current_directory()
    {
        var result = await CliProcess.RunAsync(TestData.SharedRototo("examples/basic"), "show", "--variable", "user-is-admin");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("type = \"bool\"", result.Stdout, StringComparison.Ordinal);
    }

    [ReferenceDataFact]
    public async Task Resource_prints_its_objects()
    {
        var result = await CliProcess.RunAsync(TestData.SharedRototo(), "show", "examples/basic", "--resource", "llm-agent-config");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("[objects.local]", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("model = \"local-small\"", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("model = \"gpt-5\"", result.Stdout, StringComparison.Ordinal);
    }

    [ReferenceDataFact]
    public async Task Inventory_lists_every_kind_with_paths()
    {
        var result = await CliProcess.RunAsync(TestData.SharedRototo(), "show", "examples/basic");

        Assert.Equal(0, result.ExitCode);
        foreach (var heading in new[] { "qualifiers:", "variables:", "resources:", "schemas:" })
        {
            Assert.Contains(heading, result.Stdout, StringComparison.Ordinal);
        }
        // This copy of examples/basic has no lint/ folder: no empty "lint authorities:" or "linters:" heading.
        Assert.DoesNotContain("lint authorities:", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("linters:", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("checkout-page.schema  schemas/checkout-page.schema.json", result.Stdout, StringComparison.Ordinal);
    }

    [ReferenceDataFact]
    public async Task Unknown_qualifier_is_not_found()
    {
        var result = await CliProcess.RunAsync(TestData.SharedRototo(), "show", "examples/basic", "--qualifier", "missing");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("qualifier not found: qualifier://missing", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outside_a_workspace_show_needs_a_source()
    {
        var outside = Directory.CreateTempSubdirectory("rototo-outside-");
        try
        {
            var result = await CliProcess.RunAsync(outside.FullName, "show", "--qualifiers");

            Assert.Equal(1, result.ExitCode);
            Assert.Contains("workspace not found: pass a workspace source or run inside a rototo workspace", result.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            outside.Delete();
        }
    }
}
