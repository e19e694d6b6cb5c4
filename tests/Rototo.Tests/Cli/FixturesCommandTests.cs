using System.Text.Json.Nodes;
using Rototo.Fixtures;

namespace Rototo.Tests.Cli;

/// <summary><c>rototo fixtures</c> (§15, rototo-acceptance.md M-09) and the replay of the suites it writes (<c>assert_fixtures</c>).</summary>
public sealed class FixturesCommandTests : IDisposable
{
    private readonly string _out = Path.Combine(Path.GetTempPath(), "rototo-fixtures-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_out))
        {
            Directory.Delete(_out, recursive: true);
        }
    }

    [ReferenceDataFact]
    public async Task Fixtures_for_a_variable_and_two_qualifiers_match_rototos_suite()
    {
        var result = await CliProcess.RunAsync(TestData.SharedRototo(), "fixtures", "examples/basic", "--variable", "max-output-tokens", "--qualifier", "premium-users", "--qualifier", "beta-rollout-bucket", "--out", _out);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("rototo-fixtures.toml", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("variables/max-output-tokens.toml", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("qualifiers/premium-users.toml", result.Stdout, StringComparison.Ordinal);
        var suite = File.ReadAllText(Path.Combine(_out, "rototo-fixtures.toml"));
        Assert.Contains("target = \"variable:max-output-tokens\"", suite, StringComparison.Ordinal);
        Assert.Contains("target = \"qualifier:premium-users\"", suite, StringComparison.Ordinal);
        var variable = File.ReadAllText(Path.Combine(_out, "variables", "max-output-tokens.toml"));
        Assert.Contains("title = \"Uses the default value when no rule matches\"", variable, StringComparison.Ordinal);
        Assert.Contains("matched = \"default\"", variable, StringComparison.Ordinal);
        Assert.Contains("matched_rule = 2", variable, StringComparison.Ordinal);
        Assert.Contains("matched_qualifier = \"enterprise-accounts\"", variable, StringComparison.Ordinal);
        var bucket = File.ReadAllText(Path.Combine(_out, "qualifiers", "beta-rollout-bucket.toml"));
        Assert.Contains("[[case.expect.bucket]]", bucket, StringComparison.Ordinal);
        Assert.Contains("id = \"false-outside-user-id-bucket\"", bucket, StringComparison.Ordinal);

        Assert.Equal(8, FixtureReplay.Assert(Compiled.Open(Path.Combine(TestData.SharedRototo(), "examples", "basic")), _out));
    }

    [ReferenceDataFact]
    public async Task Json_output_lists_the_written_files()
    {
        var result = await CliProcess.RunAsync(TestData.SharedRototo(), "fixtures", "examples/basic", "--qualifier", "premium-users", "--out", _out, "--json");

        Assert.Equal(0, result.ExitCode);
        var json = JsonNode.Parse(result.Stdout)!;
        Assert.Equal("""{"command":"fixtures","workspace":"examples/basic","out":"OUT","files":["rototo-fixtures.toml","qualifiers/premium-users.toml"]}""",
            json.ToJsonString().Replace(JsonValue.Create(_out)!.ToJsonString()[1..^1], "OUT", StringComparison.Ordinal));
    }

    [ReferenceDataFact]
    public async Task Unknown_target_is_an_error_naming_it()
    {
        var result = await CliProcess.RunAsync(TestData.SharedRototo(), "fixtures", "examples/basic", "--variable", "nope", "--out", _out);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: variable not found: variable://nope", result.Stderr.Trim());
    }

    [Fact]
    public async Task Without_selectors_every_rule_and_default_gets_a_case_and_the_suite_replays()
    {
        using var workspace = new TempWorkspace()
            .Write("schemas/context.schema.json", """{"type":"object","properties":{"lane":{"type":"string","enum":["dev","stage","prod"]},"seats":{"type":"integer"}}}""")
            .Qualifier("dev", ("lane", "eq", "\"dev\""))
            .Qualifier("stage", ("lane", "eq", "\"stage\""))
            .Qualifier("big", ("seats", "gte", "100"))
            .Write("variables/limit.toml", "schema_version = 1\ntype = \"int\"\n\n[values]\nlow = 1\nmid = 2\nhigh = 3\n\n[resolve]\ndefault = \"mid\"\n\n[[resolve.rule]]\nqualifier = \"stage\"\nvalue = \"low\"\n\n[[resolve.rule]]\nqualifier = \"dev\"\nvalue = \"high\"\n\n[[resolve.rule]]\nqualifier = \"big\"\nvalue = \"high\"\n");

        var result = await CliProcess.RunAsync(workspace.Root, "fixtures", ".", "--out", _out);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["rototo-fixtures.toml", "variables/limit.toml", "qualifiers/big.toml", "qualifiers/dev.toml", "qualifiers/stage.toml"], result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        // Three rules and the default, and a true and a false case per qualifier.
        Assert.Equal(4 + (3 * 2), FixtureReplay.Assert(Compiled.Open(workspace.Root), _out));
    }

    [Fact]
    public async Task Replay_fails_naming_the_case_when_the_workspace_changed()
    {
        using var workspace = new TempWorkspace()
            .Qualifier("pro", ("plan", "eq", "\"pro\""))
            .Write("variables/seats.toml", "schema_version = 1\ntype = \"int\"\n\n[values]\nfew = 5\nmany = 50\n\n[resolve]\ndefault = \"few\"\n\n[[resolve.rule]]\nqualifier = \"pro\"\nvalue = \"many\"\n");
        Assert.Equal(0, (await CliProcess.RunAsync(workspace.Root, "fixtures", ".", "--variable", "seats", "--out", _out)).ExitCode);
        workspace.Write("variables/seats.toml", "schema_version = 1\ntype = \"int\"\n\n[values]\nfew = 5\nmany = 60\n\n[resolve]\ndefault = \"few\"\n\n[[resolve.rule]]\nqualifier = \"pro\"\nvalue = \"many\"\n");

        var error = Assert.Throws<RototoException>(() => FixtureReplay.Assert(Compiled.Open(workspace.Root), _out));

        Assert.Equal("fixture variables/seats.toml case rule-0-pro: expected value 50, got 60", error.Message);
    }
}
