namespace Rototo.Tests.Lint;

/// <summary>The workspace lint catalog and linters in <c>show</c> and <c>inspect</c> (rototo-acceptance.md M-06..M-08, I-04 catalog), as a real process.</summary>
public sealed class CustomLintCliTests
{
    private static LuaWorkspace Basic() =>
        LuaWorkspace.Example("basic", ("checkout-redesign.lua", "checkout-redesign.lua"), ("premium-message.lua", "premium-message.lua"));

    [ReferenceDataFact]
    public async Task Examples_with_their_linters_lint_clean()
    {
        using var basic = Basic();
        using var custom = LuaWorkspace.Example("custom-lint", ("message-not-empty.lua", "message-not-empty.lua"));

        var basicResult = await CliProcess.RunAsync(basic.Root, "lint", ".");
        var customResult = await CliProcess.RunAsync(custom.Root, "lint", ".", "--json");

        Assert.Equal((0, $"ok: {basic.Root}\n"), (basicResult.ExitCode, basicResult.Stdout));
        Assert.Equal(0, customResult.ExitCode);
        Assert.Contains("\"diagnostics\": []", customResult.Stdout, StringComparison.Ordinal);
    }

    [ReferenceDataFact]
    public async Task Workspace_catalog_adds_the_custom_rules()
    {
        using var basic = Basic();
        using var custom = LuaWorkspace.Example("custom-lint", ("message-not-empty.lua", "message-not-empty.lua"));

        var basicRules = await CliProcess.RunAsync(basic.Root, "show", ".", "--lint-rules");
        var customRules = await CliProcess.RunAsync(custom.Root, "show", ".", "--lint-rules");
        var oneRule = await CliProcess.RunAsync(basic.Root, "show", ".", "--lint-rule", "consumer-experience/checkout-heading-required");

        Assert.Contains("consumer-experience/checkout-heading-required", basicRules.Stdout, StringComparison.Ordinal);
        Assert.Contains("rototo/workspace-not-found", basicRules.Stdout, StringComparison.Ordinal);
        Assert.Contains("operations/message-not-empty", customRules.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, oneRule.ExitCode);
        Assert.Contains("title: Checkout heading is missing", oneRule.Stdout, StringComparison.Ordinal);
    }

    [ReferenceDataFact]
    public async Task Custom_rules_in_the_json_catalog_have_no_entity()
    {
        using var targets = LuaWorkspace.Fixture("custom-targets", ("targets.lua", "targets.lua"));
        using var warning = LuaWorkspace.Fixture("custom-warning", ("advisory.lua", "advisory.lua"));

        var result = await CliProcess.RunAsync(targets.Root, "show", ".", "--lint-rules", "--json");
        var warningCatalog = await CliProcess.RunAsync(warning.Root, "show", ".", "--lint-rules", "--json");

        Assert.Equal(0, result.ExitCode);
        var catalog = System.Text.Json.Nodes.JsonNode.Parse(result.Stdout)!;
        Assert.Equal(("workspace", targets.Root), (catalog["scope"]!.GetValue<string>(), catalog["subject"]!.GetValue<string>()));
        var entry = catalog["lint_rules"]!.AsArray().Single(r => r!["rule"]!.GetValue<string>() == "targets/schema-json")!.AsObject();
        Assert.False(entry.ContainsKey("entity"));
        Assert.Contains("\"rule\": \"policy/advisory\",\n      \"severity\": \"warning\"", warningCatalog.Stdout, StringComparison.Ordinal);
    }

    [ReferenceDataFact]
    public async Task Inventory_lists_lint_authorities_and_linters()
    {
        using var basic = Basic();

        var show = await CliProcess.RunAsync(basic.Root, "show", ".");
        var inspect = await CliProcess.RunAsync(basic.Root, "inspect", ".");

        Assert.Contains("lint authorities:\n  consumer-experience  consumer-experience/checkout-heading-required\n", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("linters:\n  checkout-redesign  lint/checkout-redesign.lua\n  premium-message  lint/premium-message.lua\n", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("linter: checkout-redesign", inspect.Stdout, StringComparison.Ordinal);
        Assert.Contains("lint authority: consumer-experience", inspect.Stdout, StringComparison.Ordinal);
    }

    [ReferenceDataFact]
    public async Task Inspect_linter_shows_each_registration()
    {
        using var basic = Basic();

        var result = await CliProcess.RunAsync(basic.Root, "inspect", ".", "--linter", "checkout-redesign");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("  path: lint/checkout-redesign.lua\n", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("[0] consumer-experience/checkout-heading-required\n      target: value.heading\n      runs during: value lint stage\n      handler: check_heading\n", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("linter: premium-message", result.Stdout, StringComparison.Ordinal);
    }

    [ReferenceDataFact]
    public async Task Unknown_linter_and_authority_are_not_found()
    {
        using var basic = Basic();

        var linter = await CliProcess.RunAsync(basic.Root, "inspect", ".", "--linter", "missing");
        var authority = await CliProcess.RunAsync(basic.Root, "show", ".", "--lint-authority", "missing");

        Assert.Equal((1, "error: linter not found: missing\n"), (linter.ExitCode, linter.Stderr));
        Assert.Equal((1, "error: lint authority not found: missing\n"), (authority.ExitCode, authority.Stderr));
    }
}
