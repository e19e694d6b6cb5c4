namespace Rototo.Tests.Acceptance;

/// <summary>
/// Bad workspaces and contexts get an error that names the file, the field and the problem — through
/// <c>Workspace.LoadAsync</c>, through the compile path of <c>rototo resolve</c>, and on the command line without a stack trace.
/// </summary>
public sealed class BadInputTests
{
    private const string Message = "schema_version = 1\ntype = \"string\"\n\n[values]\na = \"x\"\nb = \"y\"\n\n[resolve]\ndefault = \"a\"\n\n[[resolve.rule]]\nqualifier = \"beta\"\nvalue = \"b\"\n";

    [Fact]
    public async Task Malformed_toml_names_the_file_line_and_column()
    {
        using var workspace = new TempWorkspace()
            .Write("qualifiers/beta.toml", "schema_version = 1\n\n[[predicate]]\nattribute = \"user.tier\"\nop = \"eq\"\nvalue = \n")
            .Write("variables/message.toml", Message);

        var error = await Assert.ThrowsAsync<RototoException>(() => Workspace.LoadAsync(workspace.Root));

        Assert.Contains("error[rototo/qualifier-parse-failed]: qualifiers/beta.toml:6:", error.Message, StringComparison.Ordinal);
        Assert.Contains("failed to parse qualifiers/beta.toml", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_json_schema_names_the_file()
    {
        using var workspace = new TempWorkspace()
            .Write("schemas/context.schema.json", "{\"type\": \"object\", \"properties\": {")
            .Write("variables/message.toml", "schema_version = 1\ntype = \"string\"\n\n[values]\na = \"x\"\n\n[resolve]\ndefault = \"a\"\n");

        var error = await Assert.ThrowsAsync<RototoException>(() => Workspace.LoadAsync(workspace.Root));

        Assert.Contains("error[rototo/schema-parse-failed]: schemas/context.schema.json:1:35: failed to parse schemas/context.schema.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_operator_names_the_file_position_and_operator()
    {
        using var workspace = new TempWorkspace()
            .Qualifier("beta", ("user.tier", "contains", "\"p\""))
            .Write("variables/message.toml", Message);

        var load = await Assert.ThrowsAsync<RototoException>(() => Workspace.LoadAsync(workspace.Root));
        var compile = Assert.Throws<RototoException>(() => Compiled.Open(workspace.Root));

        Assert.Contains("error[rototo/qualifier-predicate-unknown-op]: qualifiers/beta.toml:5:6: predicate has unknown op: contains", load.Message, StringComparison.Ordinal);
        Assert.Equal("unknown predicate operator: contains", compile.Message);
        Assert.Equal("qualifiers/beta.toml predicate[0]", compile.Location);
    }

    [Fact]
    public async Task Unknown_qualifier_in_a_rule_names_the_rule()
    {
        using var workspace = new TempWorkspace()
            .Qualifier("alpha", ("user.tier", "eq", "\"p\""))
            .Write("variables/message.toml", Message);

        var load = await Assert.ThrowsAsync<RototoException>(() => Workspace.LoadAsync(workspace.Root));
        var compile = Assert.Throws<RototoException>(() => Compiled.Open(workspace.Root));

        Assert.Contains("error[rototo/variable-rule-unknown-qualifier]: variables/message.toml:12:13: rule references unknown qualifier: beta", load.Message, StringComparison.Ordinal);
        Assert.Equal("rule references unknown qualifier: beta", compile.Message);
        Assert.Equal("variables/message.toml resolve.rule[0]", compile.Location);
    }

    [Fact]
    public async Task Qualifier_cycle_is_refused_by_lint_and_detected_at_resolution()
    {
        using var workspace = new TempWorkspace()
            .Qualifier("beta", ("qualifier.gamma", "eq", "true"))
            .Qualifier("gamma", ("qualifier.beta", "eq", "true"))
            .Write("variables/message.toml", Message);

        var load = await Assert.ThrowsAsync<RototoException>(() => Workspace.LoadAsync(workspace.Root));
        var resolve = Assert.Throws<RototoException>(() => Compiled.Open(workspace.Root).ResolveVariable("message", ResolveContext.Empty));

        Assert.Contains("error[rototo/qualifier-cycle]: qualifiers/", load.Message, StringComparison.Ordinal);
        Assert.Equal("qualifier cycle detected at qualifier://beta", resolve.Message);
        Assert.Equal(RototoErrorCode.Resolution, resolve.Code);
    }

    [Fact]
    public async Task Format_is_an_annotation_so_a_context_value_outside_its_format_still_resolves()
    {
        // Spec §3.5: format is annotation-only by default for drafts 2019-09 and 2020-12, and a port does the same.
        using var workspace = new TempWorkspace()
            .Write("schemas/context.schema.json", """{"type":"object","properties":{"user":{"type":"object","properties":{"email":{"type":"string","format":"email"},"since":{"type":"string","format":"date-time"}}}}}""")
            .Qualifier("beta", ("user.email", "eq", "\"not-an-email\""))
            .Write("variables/message.toml", Message);
        var loaded = await Workspace.LoadAsync(workspace.Root);

        var resolved = await loaded.ResolveVariableAsync("message", """{"user":{"email":"not-an-email","since":"yesterday"}}""");

        Assert.Equal("b", resolved.ValueKey);
        Assert.Equal("y", resolved.GetValue<string>());
    }

    [Fact]
    public async Task Context_failing_its_schema_names_the_field()
    {
        using var workspace = new TempWorkspace()
            .Write("schemas/context.schema.json", """{"type":"object","properties":{"user":{"type":"object","properties":{"tier":{"type":"string"}}}}}""")
            .Qualifier("beta", ("user.tier", "eq", "\"p\""))
            .Write("variables/message.toml", Message);
        var loaded = await Workspace.LoadAsync(workspace.Root);

        var error = await Assert.ThrowsAsync<RototoException>(() => loaded.ResolveVariableAsync("message", """{"user":{"tier":5}}"""));

        Assert.Equal("resolve context does not match schema: 5 is not of type \"string\"", error.Message);
        Assert.Equal("context /user/tier", error.Location);
    }

    [Fact]
    public async Task Cli_compile_error_prints_the_location_and_no_stack_trace()
    {
        using var workspace = new TempWorkspace()
            .Qualifier("beta", ("user.tier", "contains", "\"p\""))
            .Write("variables/message.toml", Message);

        var result = await CliProcess.RunAsync(workspace.Root, "resolve", ".", "--variable", "message");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: unknown predicate operator: contains\n  --> qualifiers/beta.toml predicate[0]\n", result.Stderr);
    }

    [Fact]
    public async Task Cli_malformed_toml_is_reported_by_lint_with_file_line_and_column()
    {
        using var workspace = new TempWorkspace()
            .Write("variables/message.toml", "schema_version = 1\ntype = \"string\"\n[values\n");

        var result = await CliProcess.RunAsync(workspace.Root, "lint", ".");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error[rototo/variable-parse-failed]: variables/message.toml:3:", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }
}
