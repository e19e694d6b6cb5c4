namespace Rototo.Tests.Lint;

/// <summary>
/// Custom lint on entity <c>schema</c> reads a schema with the depth discovery allows (256 levels), not the JSON reader's
/// default of 64, so a schema of 100 levels reaches its handler. Lua builds <c>ctx</c> from nested table constructors and
/// takes about 200 levels: a schema deeper than that is the handler's <c>custom-lint-failed</c> diagnostic, never an
/// exception.
/// </summary>
public sealed class DeepSchemaLintTests
{
    private const string SchemaLua = """
        function seen(ctx)
          return { { message = ctx.target.path .. " seen" } }
        end
        function register(lint)
          lint:on{ stage = "project", entity = "schema", handler = "seen", rule = { id = "deep/schema", title = "Schema", help = "None" } }
        end
        """;

    [Theory]
    [InlineData(100, "deep/schema", "schemas/context.schema.json seen")]
    [InlineData(256, "rototo/custom-lint-failed", "custom lint handler failed in lint/deep.lua: the ctx table could not be built: C stack overflow")]
    public void A_deep_schema_reaches_custom_lint_or_is_its_diagnostic(int depth, string rule, string message)
    {
        // {"a":{"a":...{}}}: depth objects.
        var schema = string.Concat(Enumerable.Repeat("{\"a\":", depth - 1)) + "{}" + new string('}', depth - 1);
        using var workspace = new TempWorkspace().Write("schemas/context.schema.json", schema).Write("lint/deep.lua", SchemaLua);

        var lint = OtherFixtureLintTests.LintDirectory(workspace.Root);

        Assert.Equal([(rule, message, "schemas/context.schema.json")], lint.Diagnostics.Select(d => (d.Rule, d.Message, d.Location.Path)));
    }
}
