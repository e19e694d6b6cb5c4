namespace Rototo.Tests.Schemas;

/// <summary>
/// Checking a value against a workspace's schema is bounded (docs/security.md), since the schema and the value may both
/// be an attacker's: a regular expression gives up after 100 ms (<c>^(a+)+$</c> against 40 <c>a</c>s and a <c>!</c>
/// needs about 2⁴⁰ backtracking steps in .NET's engine: hours), and one check follows at most 100,000 references
/// (definitions that each reference the previous one twice double the work per level). Past a bound the value is
/// refused. Each test has a deadline so that a missing bound fails instead of hanging the run.
/// </summary>
public sealed class SchemaBoundTests
{
    private static readonly string Evil = new string('a', 40) + "!";

    // The message shows the first 40 characters of the value, then an ellipsis.
    private static readonly string Shown = "\"" + new string('a', 40) + "…\"";

    [Theory(Timeout = 60_000)]
    [InlineData("")]
    [InlineData("\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",")]
    [InlineData("\"$schema\":\"https://json-schema.org/draft/2019-09/schema\",")]
    [InlineData("\"$schema\":\"http://json-schema.org/draft-07/schema#\",")]
    [InlineData("\"$schema\":\"http://json-schema.org/draft-06/schema#\",")]
    public async Task A_pattern_that_backtracks_for_ever_refuses_the_context_in_every_draft(string draft)
    {
        using var workspace = new TempWorkspace().Write("schemas/context.schema.json", "{" + draft + """ "properties":{"user":{"properties":{"id":{"type":"string","pattern":"^(a+)+$"}}}}}""");
        var context = ResolveContext.FromJson("{\"user\":{\"id\":\"" + Evil + "\"}}");

        var error = await Task.Run(() => Assert.Throws<RototoException>(() => Compiled.Open(workspace.Root).ValidateContext(context)), TestContext.Current.CancellationToken);

        Assert.Equal($"resolve context does not match schema: {Shown} took longer than 100 ms to match \"^(a+)+$\"", error.Message);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_pattern_property_name_that_backtracks_for_ever_refuses_the_context()
    {
        using var workspace = new TempWorkspace().Write("schemas/context.schema.json", """{"properties":{"labels":{"patternProperties":{"^(a+)+$":{"type":"integer"}}}}}""");
        var context = ResolveContext.FromJson("{\"labels\":{\"" + Evil + "\":1}}");

        var error = await Task.Run(() => Assert.Throws<RototoException>(() => Compiled.Open(workspace.Root).ValidateContext(context)), TestContext.Current.CancellationToken);

        Assert.Equal($"resolve context does not match schema: {Shown} took longer than 100 ms to match \"^(a+)+$\"", error.Message);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("aaaa", null)]
    [InlineData("aab", "resolve context does not match schema: \"aab\" does not match \"^(a+)+$\"")]
    public async Task The_same_pattern_still_decides_ordinary_values(string id, string? expected)
    {
        using var workspace = new TempWorkspace().Write("schemas/context.schema.json", """{"properties":{"user":{"properties":{"id":{"type":"string","pattern":"^(a+)+$"}}}}}""");
        var context = ResolveContext.FromJson("{\"user\":{\"id\":\"" + id + "\"}}");

        var error = await Task.Run(() => Record.Exception(() => Compiled.Open(workspace.Root).ValidateContext(context)), TestContext.Current.CancellationToken);

        Assert.Equal(expected, error?.Message);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_schema_whose_references_double_at_every_level_refuses_any_context()
    {
        // d0 is {}; d_i is allOf [d_(i-1), d_(i-1)]: checking d30 would follow 2^31 - 2 references.
        var definitions = string.Join(",", Enumerable.Range(1, 30).Select(i => $$"""
            "d{{i}}":{"allOf":[{"$ref":"#/$defs/d{{i - 1}}"},{"$ref":"#/$defs/d{{i - 1}}"}]}
            """));
        using var workspace = new TempWorkspace().Write("schemas/context.schema.json", $$"""{"$defs":{"d0":{},{{definitions}}},"$ref":"#/$defs/d30"}""");
        var context = ResolveContext.FromJson("""{"user":{"id":"u"}}""");

        var error = await Task.Run(() => Assert.Throws<RototoException>(() => Compiled.Open(workspace.Root).ValidateContext(context)), TestContext.Current.CancellationToken);

        Assert.Equal("resolve context does not match schema: checking this value follows more than 100,000 schema references", error.Message);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_recursive_schema_still_checks_a_deep_value()
    {
        // A tree: each node's children are nodes. A value 30 levels deep follows 30 references.
        using var workspace = new TempWorkspace().Write("schemas/context.schema.json", """{"properties":{"tree":{"$ref":"#/$defs/node"}},"$defs":{"node":{"type":"object","properties":{"name":{"type":"string"},"child":{"$ref":"#/$defs/node"}}}}}""");
        var deep = string.Concat(Enumerable.Repeat("{\"child\":", 30)) + "{\"name\":\"leaf\"}" + new string('}', 30);
        var bad = string.Concat(Enumerable.Repeat("{\"child\":", 30)) + "{\"name\":7}" + new string('}', 30);

        var passed = await Task.Run(() => Record.Exception(() => Compiled.Open(workspace.Root).ValidateContext(ResolveContext.FromJson("{\"tree\":" + deep + "}"))), TestContext.Current.CancellationToken);
        var refused = await Task.Run(() => Assert.Throws<RototoException>(() => Compiled.Open(workspace.Root).ValidateContext(ResolveContext.FromJson("{\"tree\":" + bad + "}"))), TestContext.Current.CancellationToken);

        Assert.Null(passed);
        Assert.Equal("resolve context does not match schema: 7 is not of type \"string\"", refused.Message);
    }
}
