using Rototo.Json;
using Rototo.Toml;
using static Rototo.Tests.Lint.DiagnosticShape;

namespace Rototo.Tests.Lint;

/// <summary>
/// TOML files written to hurt (docs/security.md). A table of 80,000 keys builds in linear time (it took minutes when
/// every key was looked up by a scan). Tables and arrays nested past 64 levels in one file — inline arrays, a long dotted
/// key, a long table header — are that file's parse diagnostic, never an exception; 64 levels still lint, resolve,
/// trace and reach custom lint. Tests with a deadline fail instead of hanging where a bound is missing.
/// </summary>
public sealed class HostileTomlTests
{
    private const string TooDeep = "tables and arrays nest deeper than 64 levels";

    private const string SeenLua = """
        function seen(ctx)
          return { { message = ctx.target.kind .. " seen" } }
        end
        function register(lint)
          lint:on{ stage = "value", entity = "variable", handler = "seen", rule = { id = "deep/variable", title = "Variable", help = "None", severity = "warning" } }
          lint:on{ stage = "value", entity = "value", handler = "seen", rule = { id = "deep/value", title = "Value", help = "None", severity = "warning" } }
        end
        """;

    [Fact(Timeout = 60_000)]
    public async Task A_resource_object_of_80000_keys_loads_and_resolves()
    {
        using var workspace = ResourceWorkspace(string.Concat(Enumerable.Range(0, 80_000).Select(i => $"k{i:D7} = {i}\n")));

        // The file is 1.3 MB, over the default MaxFileBytes: the test is of the table, not the file limit.
        var options = new WorkspaceLoadOptions { Sources = new Rototo.Sources.WorkspaceSourceOptions { MaxFileBytes = 4 * 1024 * 1024 } };
        var value = await Task.Run(async () => (await Workspace.LoadAsync(workspace.Root, options)).ResolveVariable("obj", ResolveContext.Empty).Value, TestContext.Current.CancellationToken);

        Assert.Equal(80_000, value.GetPropertyCount());
        Assert.Equal(79_999, value.GetProperty("k0079999").GetInt32());
    }

    [Fact]
    public void Keys_keep_the_order_of_the_file_past_the_key_index()
    {
        // Twelve keys out of sorted order (the index starts past eight), then a table its deeper header created first.
        string[] names = ["m", "b", "z", "a", "y", "c", "x", "d", "w", "e", "v", "f"];
        var text = string.Concat(names.Select((name, i) => $"{name} = {i}\n")) + "[t.inner]\nk = 1\n[t]\nfirst = 2\n";

        var root = TomlParser.Parse(text, out var error);

        Assert.Null(error);
        Assert.Equal([.. names, "t"], root.Entries.Select(e => e.Key));
        Assert.Equal(Enumerable.Range(0, names.Length).Select(i => (long)i), names.Select(name => ((TomlScalarNode)root[name]!).Integer));
        Assert.Equal(["inner", "first"], ((TomlTableNode)root["t"]!).Entries.Select(e => e.Key));
    }

    [Fact]
    public void A_key_defined_twice_in_a_large_table_is_still_a_parse_error()
    {
        var text = string.Concat(Enumerable.Range(0, 12).Select(i => $"k{i} = {i}\n")) + "k3 = 99\n";

        TomlParser.Parse(text, out var error);

        Assert.StartsWith("The key `k3` is already defined", error?.Message, StringComparison.Ordinal);
    }

    [Theory]
    // 63 inline arrays under [values]: the 63rd is the 65th level (root table, values, 63 arrays); the range runs from its bracket to the end of the line.
    [InlineData("arrays", 63, "4:66-5:0")]
    // 64 inline arrays: Tomlyn's parser stops at its depth (the same limit) without a position, so the range is the document.
    [InlineData("arrays", 64, "doc")]
    // Dotted keys of 100 and 2,000 segments, and a table header of 100: the range is their line.
    [InlineData("dotted", 100, "4:0-5:0")]
    [InlineData("dotted", 2_000, "4:0-5:0")]
    [InlineData("header", 100, "4:0-5:0")]
    public void Nesting_past_64_levels_is_the_variable_parse_diagnostic(string form, int count, string range)
    {
        var values = form switch
        {
            "arrays" => $"v = {Arrays(count)}",
            "dotted" => $"{Dotted(count)} = 1",
            _ => $"[values.{Dotted(count)}]\nk = 1",
        };
        using var workspace = new TempWorkspace().Write("variables/deep.toml", $"schema_version = 1\ntype = \"list\"\n\n[values]\n{values}\n\n[resolve]\ndefault = \"v\"\n");

        var lint = OtherFixtureLintTests.LintDirectory(workspace.Root);

        AssertSameSet([Expect("variable-parse-failed", "E", "parse", """{"kind":"variable","id":"deep"}""", "variables/deep.toml", range)], lint.Diagnostics);
        Assert.Equal($"failed to parse variables/deep.toml: {TooDeep}", lint.Diagnostics[0].Message);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(2_000)]
    public async Task A_long_dotted_key_in_a_resource_object_refuses_the_load_naming_the_file(int segments)
    {
        using var workspace = ResourceWorkspace(Dotted(segments) + " = 1\n");

        var error = await Assert.ThrowsAsync<RototoException>(() => Workspace.LoadAsync(workspace.Root));

        Assert.Contains($"error[rototo/resource-object-parse-failed]: resources/data-objects/one.toml:1:1: failed to parse resources/data-objects/one.toml: {TooDeep}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sixty_four_levels_lint_resolve_trace_and_reach_custom_lint()
    {
        // A resource object of 64 levels (its root table and 63 below it); a list of 62 arrays under [values] (64 with root and values).
        using var workspace = ResourceWorkspace(Dotted(64) + " = 1\n")
            .Write("variables/list.toml", $"schema_version = 1\ntype = \"list\"\n\n[values]\nv = {Arrays(62)}\n\n[resolve]\ndefault = \"v\"\n")
            .Write("lint/seen.lua", SeenLua);
        var expected = string.Concat(Enumerable.Repeat("{\"x\":", 64)) + "1" + new string('}', 64);

        var lint = await (await Workspace.InspectAsync(workspace.Root)).LintAsync();
        var loaded = await Workspace.LoadAsync(workspace.Root);

        Assert.Equal(["deep/value value seen", "deep/variable variable seen", "deep/variable variable seen"], lint.Diagnostics.Select(d => $"{d.Rule} {d.Message}").Order(StringComparer.Ordinal));
        Assert.Equal(expected, SerdeJson.Compact(loaded.ResolveVariable("obj", ResolveContext.Empty).Value));
        Assert.Equal(Arrays(62), SerdeJson.Compact(loaded.ResolveVariable("list", ResolveContext.Empty).Value));
        Assert.Equal(expected, loaded.TraceVariableJson("obj", ResolveContext.Empty)["resolution"]!["value"]!.ToJsonString());
    }

    private static string Dotted(int segments) => string.Join('.', Enumerable.Repeat("x", segments));

    private static string Arrays(int count) => new string('[', count) + new string(']', count);

    private static TempWorkspace ResourceWorkspace(string objectToml) => new TempWorkspace()
        .Write("schemas/data.schema.json", """{"type":"object"}""")
        .Write("resources/data.toml", "schema_version = 1\nschema = \"../schemas/data.schema.json\"\n")
        .Write("resources/data-objects/one.toml", objectToml)
        .Write("variables/obj.toml", "schema_version = 1\ntype = \"resource:data\"\n\n[resolve]\ndefault = \"one\"\n");
}
