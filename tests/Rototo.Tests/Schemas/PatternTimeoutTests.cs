namespace Rototo.Tests.Schemas;

/// <summary>
/// A schema's regular expressions cannot hold a thread: <c>^(a+)+$</c> against 40 <c>a</c>s and a <c>!</c> needs about
/// 2⁴⁰ backtracking steps in .NET's engine (hours), so a context crafted against a workspace's pattern would burn a
/// core per request. The match gives up after 100 ms and the context is refused, naming the value and the pattern
/// (docs/security.md). Each test has a deadline so that a missing bound fails instead of hanging the run.
/// </summary>
public sealed class PatternTimeoutTests
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
}
