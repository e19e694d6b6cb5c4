using Rototo.Toml;

namespace Rototo.Tests.Lint;

/// <summary>
/// TOML files written to hurt (docs/security.md). A table of 80,000 keys builds in linear time (it took minutes when
/// every key was looked up by a scan). Tests with a deadline fail instead of hanging where a bound is missing.
/// </summary>
public sealed class HostileTomlTests
{
    [Fact(Timeout = 60_000)]
    public async Task A_resource_object_of_80000_keys_loads_and_resolves()
    {
        using var workspace = ResourceWorkspace(string.Concat(Enumerable.Range(0, 80_000).Select(i => $"k{i:D7} = {i}\n")));

        var value = await Task.Run(async () => (await Workspace.LoadAsync(workspace.Root)).ResolveVariable("obj", ResolveContext.Empty).Value, TestContext.Current.CancellationToken);

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

    private static TempWorkspace ResourceWorkspace(string objectToml) => new TempWorkspace()
        .Write("schemas/data.schema.json", """{"type":"object"}""")
        .Write("resources/data.toml", "schema_version = 1\nschema = \"../schemas/data.schema.json\"\n")
        .Write("resources/data-objects/one.toml", objectToml)
        .Write("variables/obj.toml", "schema_version = 1\ntype = \"resource:data\"\n\n[resolve]\ndefault = \"one\"\n");
}
