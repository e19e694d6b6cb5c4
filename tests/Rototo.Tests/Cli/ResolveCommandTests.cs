using System.Text.Json;

namespace Rototo.Tests.Cli;

/// <summary>
/// <c>rototo resolve</c> as a real process, run from <c>../shared/rototo</c> as rototo's own tests run it;
/// expectations from rototo-acceptance.md sections C, D and M-09.
/// </summary>
public sealed class ResolveCommandTests
{
    [ReferenceDataFact]
    public async Task Premium_context_selects_the_premium_message()
    {
        var result = await CliProcess.RunAsync(TestData.SharedRototo(), "resolve", "examples/basic", "--variable", "premium-message", "--context", """{"user":{"tier":"premium"}}""");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("value key: premium", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("value: \"Welcome back, premium member.\"", result.Stdout, StringComparison.Ordinal);
    }

    [ReferenceDataFact]
    public async Task Json_output_has_the_trace_shape_and_sorted_resource_values()
    {
        var result = await CliProcess.RunAsync(TestData.SharedRototo(), "resolve", "examples/basic", "--variable", "checkout-redesign", "--context", """{"user":{"tier":"premium"}}""", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\"id\": \"checkout-redesign\"", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"value_key\": \"premium\"", result.Stdout, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(result.Stdout);
        var trace = json.RootElement.GetProperty("variables")[0];
        Assert.Equal("premium", trace.GetProperty("resolution").GetProperty("value").GetProperty("variant").GetString());
        Assert.Equal("control", trace.GetProperty("default_value").GetString());
        var rule = trace.GetProperty("rules")[0];
        Assert.Equal("premium-users", rule.GetProperty("qualifier").GetString());
        Assert.True(rule.GetProperty("matched").GetBoolean());
        var keys = trace.GetProperty("resolution").GetProperty("value").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
    }

    [ReferenceDataFact]
    public async Task No_context_defaults_to_an_empty_object()
    {
        var result = await CliProcess.RunAsync(TestData.SharedRototo(), "resolve", "examples/quickstart", "--variable", "summary-token-budget", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\"value_key\": \"standard\"", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"value\": 1800", result.Stdout, StringComparison.Ordinal);
    }

    [ReferenceDataFact]
    public async Task Context_file_is_read_with_the_at_sign()
    {
        var result = await CliProcess.RunAsync(TestData.SharedRototo(), "resolve", "examples/production", "--variable", "agent-config", "--context", "@examples/production/contexts/eu-enterprise.json", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\"value_key\": \"enterprise\"", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"model\": \"gpt-5\"", result.Stdout, StringComparison.Ordinal);
    }

    [ReferenceDataFact]
    public async Task Later_context_assignments_win()
    {
        var result = await CliProcess.RunAsync(TestData.SharedRototo(), "resolve", "examples/basic", "--variable", "checkout-redesign", "--context", "user.tier=free", "--context", "user.tier=premium", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\"value_key\": \"premium\"", result.Stdout, StringComparison.Ordinal);
    }

    [ReferenceDataFact]
    public async Task All_variables_resolve_with_a_merged_file_and_assignment_context()
    {
        var result = await CliProcess.RunAsync(TestData.SharedRototo(), "resolve", "examples/basic", "--variables", "--context", "@examples/basic/contexts/premium-enterprise.json", "--context", "lane=prod", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\"id\": \"checkout-redesign\"", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"id\": \"admin-navigation\"", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"value_key\": \"enterprise\"", result.Stdout, StringComparison.Ordinal);
    }

    [ReferenceDataFact]
    public async Task Human_qualifier_trace_lists_predicates_before_the_result()
    {
        var result = await CliProcess.RunAsync(TestData.SharedRototo(), "resolve", "examples/basic", "--qualifier", "premium-users", "--context", "user.tier=premium");

        Assert.Equal(0, result.ExitCode);
        var expected = string.Join('\n',
            "workspace: examples/basic",
            "qualifier: premium-users",
            "  predicates:",
            "    [0] context user.tier = \"premium\"",
            "        test: eq \"premium\"",
            "        matched: true",
            "  result: true",
            "");
        Assert.Equal(expected, result.Stdout);
    }

    [ReferenceDataFact]
    public async Task Context_that_fails_the_schema_exits_1_with_the_schema_error()
    {
        var result = await CliProcess.RunAsync(TestData.SharedRototo(), "resolve", "examples/basic", "--qualifier", "premium-users", "--context", """{"unknown":true}""");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: resolve context does not match schema", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }

    [ReferenceDataFact]
    public async Task Missing_context_attribute_is_an_error_naming_the_qualifier()
    {
        var result = await CliProcess.RunAsync(TestData.SharedRototo(), "resolve", "examples/basic", "--variable", "checkout-redesign", "--context", "{}");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: missing resolve context attribute: user.tier required by qualifier://premium-users\n", result.Stderr);
    }

    [ReferenceDataFact]
    public async Task Resolve_without_a_target_is_refused()
    {
        var result = await CliProcess.RunAsync(TestData.SharedRototo(), "resolve", "examples/basic", "--context", "{}");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("resolve requires at least one --variable, --variables, --qualifier, or --qualifiers selector", result.Stderr, StringComparison.Ordinal);
    }

    [ReferenceDataFact]
    public async Task Unknown_variable_is_refused_before_resolution()
    {
        var result = await CliProcess.RunAsync(TestData.SharedRototo(), "resolve", "examples/basic", "--variable", "does-not-exist");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: variable not found: variable://does-not-exist\n", result.Stderr);
    }

    [ReferenceDataFact]
    public async Task Malformed_context_json_is_a_clear_error_without_a_stack_trace()
    {
        var result = await CliProcess.RunAsync(TestData.SharedRototo(), "resolve", "examples/basic", "--variable", "premium-message", "--context", "{\"user\":");

        Assert.Equal(1, result.ExitCode);
        // The text ends after its 8th character: the error is placed just past it, in the user's text.
        Assert.Equal(
            "error: invalid context JSON: the text ends before every object and array is closed.\n" +
            "  --> --context:1:9\n" +
            "   |\n" +
            " 1 | {\"user\":\n" +
            "   |         ^\n",
            result.Stderr);
    }

    [Fact]
    public async Task Project_example_resolves_on_its_own()
    {
        var result = await CliProcess.RunAsync(TestData.RepositoryRoot, "resolve", "examples/storefront", "--variables", "--context", "@examples/storefront/contexts/premium-in-germany.json", "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        var byId = json.RootElement.GetProperty("variables").EnumerateArray().ToDictionary(v => v.GetProperty("resolution").GetProperty("id").GetString()!, v => v.GetProperty("resolution"));
        Assert.Equal("premium", byId["checkout-banner"].GetProperty("value_key").GetString());
        Assert.Equal(50, byId["max-cart-items"].GetProperty("value").GetInt64());
        Assert.Equal("dhl", byId["shipping-policy"].GetProperty("value").GetProperty("carrier").GetString());
        Assert.Contains("\"free_shipping_over_eur\": 49.0", result.Stdout, StringComparison.Ordinal);
    }
}
