using static Rototo.Tests.Lint.DiagnosticShape;

namespace Rototo.Tests.Lint;

/// <summary>
/// Edges where rototo's lint reports something specific (spec §9, §10): inline values of resource-backed variables, objects of
/// files that failed to parse, the location of an object, of a type/schema conflict and of an invalid returned Lua field,
/// and Lua's wording of a returned number.
/// </summary>
public sealed class LintEdgeTests
{
    private const string ConfigResource = "schema_version = 1\nschema = \"../schemas/config.schema.json\"\n";

    [Fact]
    public void Unused_inline_values_of_a_resource_backed_variable_are_reported()
    {
        using var workspace = new TempWorkspace()
            .Write("schemas/config.schema.json", """{"type":"object"}""")
            .Write("resources/config.toml", ConfigResource)
            .Write("resources/config-objects/small.toml", "name = \"small\"\n")
            .Write("variables/v.toml", "schema_version = 1\ntype = \"resource:config\"\n\n[values]\nsmall = \"inline\"\nextra = \"x\"\n\n[resolve]\ndefault = \"small\"\n");

        var lint = OtherFixtureLintTests.LintDirectory(workspace.Root);

        AssertSameSet(
        [
            Expect("variable-values-disallowed", "E", "project", """{"kind":"variable","id":"v"}""", "variables/v.toml", "3:0-5:11"),
            Expect("variable-value-unused", "W", "graph", """{"kind":"value","variable":"v","key":"extra"}""", "variables/v.toml", "5:8-5:11"),
        ], lint.Diagnostics);
    }

    [Fact]
    public void An_object_whose_file_failed_to_parse_is_an_unknown_resource_object()
    {
        using var workspace = new TempWorkspace()
            .Write("schemas/config.schema.json", """{"type":"object"}""")
            .Write("resources/config.toml", ConfigResource)
            .Write("resources/config-objects/broken.toml", "name = \n")
            .Write("resources/config-objects/small.toml", "name = \"small\"\n")
            .Write("variables/v.toml", "schema_version = 1\ntype = \"resource:config\"\n\n[resolve]\ndefault = \"broken\"\n");

        var lint = OtherFixtureLintTests.LintDirectory(workspace.Root);

        var unknown = Assert.Single(lint.Diagnostics, d => d.Rule == "rototo/variable-unknown-value");
        Assert.Equal("resolve default references unknown resource object: broken", unknown.Message);
        Assert.Contains(lint.Diagnostics, d => d.Rule == "rototo/resource-object-parse-failed");
    }

    [Fact]
    public void A_resource_object_diagnostic_spans_the_whole_file()
    {
        using var workspace = new TempWorkspace()
            .Write("schemas/config.schema.json", """{"type":"object","properties":{"name":{"type":"string"}}}""")
            .Write("resources/config.toml", ConfigResource)
            .Write("resources/config-objects/small.toml", "# the small tier\nname = 5\n");

        var lint = OtherFixtureLintTests.LintDirectory(workspace.Root);

        AssertSameSet(
        [
            Expect("resource-object-schema-mismatch", "E", "value", """{"kind":"resource_object","resource":"config","key":"small"}""", "resources/config-objects/small.toml", "0:0-2:0"),
        ], lint.Diagnostics);
        Assert.Equal("resource object small does not match schema: 5 is not of type \"string\"", lint.Diagnostics[0].Message);
    }

    [Fact]
    public void Type_and_schema_together_are_reported_on_the_schema_item()
    {
        using var workspace = new TempWorkspace()
            .Write("variables/v.toml", "schema_version = 1\ntype = \"string\"\nschema = \"x.json\"\n\n[values]\na = \"a\"\n\n[resolve]\ndefault = \"a\"\n");

        var lint = OtherFixtureLintTests.LintDirectory(workspace.Root);

        AssertSameSet([Expect("variable-type-source", "E", "project", """{"kind":"variable","id":"v"}""", "variables/v.toml", "2:9-2:17")], lint.Diagnostics);
        Assert.Equal("variable must declare type", lint.Diagnostics[0].Message);
    }

    [Fact]
    public void An_invalid_returned_field_falls_back_to_the_registration_location()
    {
        using var workspace = new TempWorkspace()
            .Write("variables/v.toml", "schema_version = 1\ntype = \"string\"\n\n[values]\na = \"a\"\n\n[resolve]\ndefault = \"a\"\n")
            .Write("lint/x.lua", """
                function check(ctx) return { { message = "bad", field = "bogus" }, { message = "good", field = "values" } } end
                function register(lint)
                  lint:on{ stage = "policy", entity = "variable", field = "type", handler = "check", rule = { id = "team/check", title = "t", help = "h" } }
                end
                """);

        var lint = OtherFixtureLintTests.LintDirectory(workspace.Root);

        AssertSameSet(
        [
            Expect("team/check", "E", "policy", """{"kind":"variable","id":"v"}""", "variables/v.toml", "1:7-1:15"),
            Expect("team/check", "E", "policy", """{"kind":"variable","id":"v"}""", "variables/v.toml", "3:0-4:7"),
        ], lint.Diagnostics);
    }

    [Theory]
    [InlineData("5", "integer")]
    [InlineData("2.5", "number")]
    [InlineData("true", "boolean")]
    public void A_handler_returning_a_number_reports_lua_subtype(string returned, string type)
    {
        using var workspace = new TempWorkspace().Write("lint/x.lua", $$"""
            function h(ctx) return {{returned}} end
            function register(lint)
              lint:on{ stage = "graph", entity = "workspace", handler = "h", rule = { id = "a/b", title = "t", help = "h" } }
            end
            """);

        var diagnostic = Assert.Single(OtherFixtureLintTests.LintDirectory(workspace.Root).Diagnostics);

        Assert.Equal($"custom lint handler failed in lint/x.lua: custom lint must return a list of diagnostics, got {type}", diagnostic.Message);
    }
}
