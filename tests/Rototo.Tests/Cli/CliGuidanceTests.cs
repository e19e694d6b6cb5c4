namespace Rototo.Tests.Cli;

/// <summary>
/// The rototo command line guides (issue #20), checked by its exact output on the example workspace
/// (<c>examples/storefront</c>): "did you mean" for unknown variables, qualifiers and options, a malformed
/// <c>--context</c> placed in the user's own text, <c>-q</c> honoured, no empty headings in <c>show</c>.
/// </summary>
public sealed class CliGuidanceTests : IDisposable
{
    private static readonly string Storefront = Path.Combine(TestData.RepositoryRoot, "examples", "storefront");
    private readonly string _root = Path.Combine(Path.GetTempPath(), "rototo-cli-guidance-" + Guid.NewGuid().ToString("N"));

    public CliGuidanceTests() => Directory.CreateDirectory(_root);

    public static TheoryData<string[], string> UnknownNames => new()
    {
        { ["resolve", ".", "--variable", "checkout-baner"], "error: variable not found: variable://checkout-baner\n  tip: did you mean 'checkout-banner'?\n" },
        { ["resolve", ".", "--qualifier", "premium-member"], "error: qualifier not found: qualifier://premium-member\n  tip: did you mean 'premium-members'?\n" },
        { ["show", ".", "--variable", "max-cart-itm"], "error: variable not found: variable://max-cart-itm\n  tip: did you mean 'max-cart-items'?\n" },
        // Nothing is close: no tip.
        { ["resolve", ".", "--variable", "tax-rate"], "error: variable not found: variable://tax-rate\n" },
    };

    [Theory]
    [MemberData(nameof(UnknownNames))]
    public async Task An_unknown_name_says_what_is_missing_and_the_closest_known_one(string[] args, string expected)
    {
        var result = await CliProcess.RunAsync(Storefront, args);

        Assert.Equal((1, "", expected), (result.ExitCode, result.Stdout, result.Stderr));
    }

    [Fact]
    public async Task An_unknown_option_is_a_usage_error_with_the_similar_option()
    {
        var result = await CliProcess.RunAsync(Storefront, "resolve", ".", "--varible", "checkout-banner");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: unexpected argument '--varible' found\n\n  tip: a similar argument exists: '--variable'\n\nFor more information, try '--help'.\n", result.Stderr);
    }

    [Fact]
    public async Task Malformed_context_json_names_the_line_and_column_of_the_users_text_with_a_caret()
    {
        var result = await CliProcess.RunAsync(Storefront, "resolve", ".", "--variable", "checkout-banner", "--context", "{\"user\": {\"tier\": premium}}");

        Assert.Equal(1, result.ExitCode);
        // 'p' of premium is the 19th character of the text.
        Assert.Equal(
            "error: invalid context JSON: 'p' is an invalid start of a value.\n" +
            "  --> --context:1:19\n" +
            "   |\n" +
            " 1 | {\"user\": {\"tier\": premium}}\n" +
            "   |                   ^\n",
            result.Stderr);
    }

    [Fact]
    public async Task Malformed_context_file_names_the_file_line_and_column()
    {
        var file = Path.Combine(_root, "context.json");
        await File.WriteAllTextAsync(file, "{\n  \"user\": {\"tier\": \"premium\",}\n}\n");

        var result = await CliProcess.RunAsync(Storefront, "resolve", ".", "--variable", "checkout-banner", "--context", "@" + file);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"error: invalid context JSON: ", result.Stderr, StringComparison.Ordinal);
        // The trailing comma's object closes at the 30th character of line 2.
        Assert.EndsWith(
            $"  --> {file}:2:30\n" +
            "   |\n" +
            " 2 |   \"user\": {\"tier\": \"premium\",}\n" +
            "   |                              ^\n",
            result.Stderr);
    }

    [Fact]
    public async Task A_context_argument_that_is_neither_json_file_nor_assignment_says_what_it_takes()
    {
        var result = await CliProcess.RunAsync(Storefront, "resolve", ".", "--variable", "checkout-banner", "--context", "tier");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            "error: --context 'tier' is not a JSON object, @FILE or PATH=VALUE\n" +
            "  tip: set one attribute with --context user.tier=premium, or give a whole object: --context '{\"user\":{\"tier\":\"premium\"}}'\n",
            result.Stderr);
    }

    [Fact]
    public async Task Quiet_resolve_prints_each_value_alone()
    {
        var result = await CliProcess.RunAsync(Storefront, "resolve", "-q", ".", "--variable", "checkout-banner", "--variable", "max-cart-items", "--context", "@contexts/premium-in-germany.json");

        // The values examples/storefront gives a premium member in Germany with 3 items (variables/*.toml: premium-members holds, large-carts does not).
        Assert.Equal((0, "\"Welcome back! Premium members check out with free express shipping.\"\n50\n", ""), (result.ExitCode, result.Stdout, result.Stderr));
    }

    [Fact]
    public async Task Quiet_show_prints_paths_only_and_show_prints_no_empty_heading()
    {
        var quiet = await CliProcess.RunAsync(Storefront, "show", "-q", ".");
        var full = await CliProcess.RunAsync(Storefront, "show", ".");

        Assert.Equal(
            "qualifiers/eu-shoppers.toml\nqualifiers/large-carts.toml\nqualifiers/new-checkout-rollout.toml\nqualifiers/premium-members.toml\n" +
            "variables/checkout-banner.toml\nvariables/express-checkout.toml\nvariables/max-cart-items.toml\nvariables/shipping-policy.toml\n" +
            "resources/shipping-policy.toml\nschemas/context.schema.json\nschemas/shipping-policy.schema.json\n",
            quiet.Stdout);
        // The workspace has no custom lint: no "lint authorities:" nor "linters:" heading.
        Assert.Equal(0, full.ExitCode);
        Assert.EndsWith("schemas:\n  context.schema  schemas/context.schema.json\n  shipping-policy.schema  schemas/shipping-policy.schema.json\n", full.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("linters:", full.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Quiet_inspect_init_and_docs_export_print_nothing_on_success()
    {
        var inspect = await CliProcess.RunAsync(Storefront, "inspect", "-q", ".");
        var init = await CliProcess.RunAsync(_root, "init", "-q", "workspace");
        var export = await CliProcess.RunAsync(_root, "docs", "-q", "--export", "site");

        Assert.Equal((0, "", ""), (inspect.ExitCode, inspect.Stdout, inspect.Stderr));
        Assert.Equal((0, "", ""), (init.ExitCode, init.Stdout, init.Stderr));
        Assert.True(File.Exists(Path.Combine(_root, "workspace", "rototo-workspace.toml")));
        Assert.Equal((0, "", ""), (export.ExitCode, export.Stdout, export.Stderr));
        Assert.True(File.Exists(Path.Combine(_root, "site", "index.md")));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
