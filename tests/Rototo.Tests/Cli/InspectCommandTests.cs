namespace Rototo.Tests.Cli;

/// <summary><c>rototo inspect</c> as a real process (rototo-acceptance.md M-08, the parts without custom Lua lint).</summary>
public sealed class InspectCommandTests
{
    private static readonly string Separator = new('-', 40);

    [ReferenceDataFact]
    public async Task Human_inventory_shows_ids_without_uris()
    {
        var result = await CliProcess.RunAsync(TestData.SharedRototo(), "inspect", "examples/basic");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("schema: checkout-page.schema", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("qualifier: premium-users", result.Stdout, StringComparison.Ordinal);
        Assert.Contains(Separator, result.Stdout, StringComparison.Ordinal);
        Assert.Contains("variable: checkout-redesign", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("variable://checkout-redesign", result.Stdout, StringComparison.Ordinal);
    }

    [ReferenceDataTheory]
    [InlineData("premium-users", "[0] user.tier eq \"premium\"")]
    [InlineData("beta-rollout-bucket", "[0] user.id bucket salt=checkout-redesign-2026-05 range=[0,1000]")]
    public async Task Qualifier_predicates_are_shown_one_per_line(string qualifier, string expected)
    {
        var result = await CliProcess.RunAsync(TestData.SharedRototo(), "inspect", "examples/basic", "--qualifier", qualifier);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(expected, result.Stdout, StringComparison.Ordinal);
    }

    [ReferenceDataFact]
    public async Task Json_qualifier_has_predicate_values_but_no_source_locations()
    {
        var result = await CliProcess.RunAsync(TestData.SharedRototo(), "inspect", "examples/basic", "--json", "--qualifier", "returning-users");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\"attribute\": \"user.session_count\"", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"value\": 2", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\"location\": {", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\"character\":", result.Stdout, StringComparison.Ordinal);
    }

    [ReferenceDataFact]
    public async Task Variable_with_a_context_carries_its_resolution_trace()
    {
        var json = await CliProcess.RunAsync(TestData.SharedRototo(), "inspect", "examples/basic", "--json", "--variable", "checkout-redesign", "--context", """{"user":{"tier":"premium"}}""");
        var human = await CliProcess.RunAsync(TestData.SharedRototo(), "inspect", "examples/basic", "--variable", "checkout-redesign", "--context", """{"user":{"tier":"premium"}}""");

        Assert.Equal(0, json.ExitCode);
        Assert.Contains("\"value_key\": \"premium\"", json.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"matched\": true", json.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"qualifier_traces\": [", json.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"actual\": \"premium\"", json.Stdout, StringComparison.Ordinal);
        Assert.Contains("trace: premium", human.Stdout, StringComparison.Ordinal);
    }

    [ReferenceDataFact]
    public async Task Workspace_with_lint_errors_is_inspected_without_a_runtime()
    {
        var result = await CliProcess.RunAsync(TestData.SharedRototo(), "inspect", "tests/fixtures/workspaces/rules/reference/variable-unknown-value", "--variable", "message");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("runtime: unavailable", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("rototo/variable-unknown-value", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("resolve:", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("default -> missing", result.Stdout, StringComparison.Ordinal);
    }

    [ReferenceDataFact]
    public async Task Context_without_a_target_is_refused()
    {
        var result = await CliProcess.RunAsync(TestData.SharedRototo(), "inspect", "examples/basic", "--context", """{"user":{"tier":"premium"}}""");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("inspect --context requires at least one", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_type_source_names_each_way_a_variable_declares_its_type()
    {
        // Spec §11.2: "int" | "resource:x" | "schema {s}" | "missing" | "conflict" | "invalid".
        const string Values = "\n[values]\na = 1\n\n[resolve]\ndefault = \"a\"\n";
        using var workspace = new TempWorkspace()
            .Write("variables/typed.toml", "schema_version = 1\ntype = \"int\"\n" + Values)
            .Write("variables/both.toml", "schema_version = 1\ntype = \"int\"\nschema = \"limits\"\n" + Values)
            .Write("variables/legacy.toml", "schema_version = 1\nschema = \"limits\"\n" + Values)
            .Write("variables/numeric.toml", "schema_version = 1\ntype = 5\n" + Values)
            .Write("variables/untyped.toml", "schema_version = 1\n" + Values);

        var result = await CliProcess.RunAsync(workspace.Root, "inspect", ".", "--json", "--variables");

        var sources = System.Text.Json.Nodes.JsonNode.Parse(result.Stdout)!["variables"]!.AsArray()
            .ToDictionary(v => v!["id"]!.GetValue<string>(), v => v!["type_source"]!.GetValue<string>());
        Assert.Equal("int", sources["typed"]);
        Assert.Equal("conflict", sources["both"]);
        Assert.Equal("schema limits", sources["legacy"]);
        Assert.Equal("invalid", sources["numeric"]);
        Assert.Equal("missing", sources["untyped"]);
    }
}
