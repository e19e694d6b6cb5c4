using System.Text.Json.Nodes;

namespace Rototo.Tests.Lint;

/// <summary><c>rototo lint</c> output as a real process: the human form, the JSON shape, selectors and exit codes (§9.7, §15).</summary>
public sealed class LintOutputTests
{
    private const string Rules = "tests/fixtures/workspaces/rules/";

    [ReferenceDataFact]
    public async Task Redirected_human_output_is_the_headline_then_help_as_rototo_prints_it()
    {
        // §9.7: {severity}[{rule}]: {path:line:col}: {message}, then "  help: ...": no source snippet for scripts to skip.
        var result = await CliProcess.RunAsync(TestData.SharedRototo(), "lint", Rules + "reference/variable-unknown-value");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            """
            error[rototo/variable-unknown-value]: variables/message.toml:8:11: resolve default references unknown value: missing
              help: Reference a key of [values] (or an object key of the resource).

            """, result.Stdout);
    }

    [ReferenceDataFact]
    public async Task Related_locations_are_printed_as_notes_after_help()
    {
        var result = await CliProcess.RunAsync(TestData.SharedRototo(), "lint", Rules + "graph/variable-rule-selects-default-value");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("warning[rototo/variable-rule-selects-default-value]: variables/message.toml:12:9: rule selects the same value as the resolve default: control\n  help:", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("\n  help: Remove the rule or select a different value.\n  note: variables/message.toml:8:11: resolve default value: control\n", result.Stdout, StringComparison.Ordinal);
    }

    [ReferenceDataFact]
    public async Task Json_output_has_the_workspace_documents_and_diagnostics_in_rototo_shape()
    {
        var shared = TestData.SharedRototo();
        var result = await CliProcess.RunAsync(shared, "lint", Rules + "graph/variable-value-unused", "--json");

        Assert.Equal(0, result.ExitCode);
        var json = JsonNode.Parse(result.Stdout)!.AsObject();
        Assert.Equal(["workspace", "documents", "diagnostics"], json.Select(p => p.Key));
        Assert.Equal(Path.Combine(shared, Rules + "graph/variable-value-unused"), json["workspace"]!.GetValue<string>());
        var document = json["documents"]!.AsArray().Single(d => d!["path"]!.GetValue<string>() == "variables/message.toml")!.AsObject();
        Assert.Equal(["id", "path", "uri", "version", "kind"], document.Select(p => p.Key));
        Assert.Null(document["version"]);
        var diagnostic = Assert.Single(json["diagnostics"]!.AsArray())!.AsObject();
        Assert.Equal(["rule", "severity", "stage", "entity", "message", "help", "location", "related"], diagnostic.Select(p => p.Key));
        Assert.Equal("""{"path":"variables/message.toml","range":{"start":{"line":5,"character":9},"end":{"line":5,"character":23}}}""", diagnostic["location"]!.ToJsonString());
    }

    [ReferenceDataFact]
    public async Task Selectors_keep_diagnostics_matching_any_of_them_and_set_the_exit_code()
    {
        const string Failures = "tests/fixtures/workspaces/lint-failures";
        var shared = TestData.SharedRototo();

        var variable = await CliProcess.RunAsync(shared, "lint", Failures, "--variable", "graph-warnings", "--json");
        var both = await CliProcess.RunAsync(shared, "lint", Failures, "--lint-rule", "rototo/qualifier-cycle", "--qualifier", "unreferenced", "--json");

        Assert.Equal(0, variable.ExitCode);
        Assert.Equal(["rototo/variable-rule-shadowed", "rototo/variable-value-unused"], RuleIds(variable.Stdout).Order(StringComparer.Ordinal));
        Assert.Equal(1, both.ExitCode);
        Assert.Equal(["rototo/qualifier-cycle", "rototo/qualifier-cycle", "rototo/qualifier-cycle", "rototo/qualifier-unreferenced"], RuleIds(both.Stdout).Order(StringComparer.Ordinal));
    }

    [ReferenceDataFact]
    public async Task Unknown_selected_id_is_an_error_without_json()
    {
        var result = await CliProcess.RunAsync(TestData.SharedRototo(), "lint", "tests/fixtures/workspaces/lint-failures", "--variable", "nope", "--json");

        Assert.Equal((1, "", "error: variable not found: variable://nope\n"), (result.ExitCode, result.Stdout, result.Stderr));
    }

    private static IEnumerable<string> RuleIds(string json) =>
        JsonNode.Parse(json)!["diagnostics"]!.AsArray().Select(d => d!["rule"]!.GetValue<string>());
}
