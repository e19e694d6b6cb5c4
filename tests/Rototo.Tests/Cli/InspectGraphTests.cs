using System.Text.Json.Nodes;

namespace Rototo.Tests.Cli;

/// <summary>
/// <c>rototo inspect --json</c> dependencies, consumers, value order and schema paths (§11.2, §3.4) on a workspace written
/// for the purpose: qualifier <c>eu-pro</c> references <c>pro</c>; variable <c>limits</c> uses both and the resource <c>tier</c>.
/// </summary>
public sealed class InspectGraphTests
{
    private static TempWorkspace Workspace() => new TempWorkspace()
        .Write("schemas/context.schema.json", """{"type":"object","properties":{"user":{"type":"object","properties":{"plan":{"type":"string"},"region":{"type":"string"}}}}}""")
        .Write("schemas/tier.schema.json", """{"type":"object","properties":{"fallback":{"type":"string","x-rototo-resource":"tier"}}}""")
        .Write("resources/tier.toml", "schema_version = 1\nschema = \"./../schemas/sub/../tier.schema.json\"\n")
        .Write("resources/tier-objects/small.toml", "fallback = \"small\"\n")
        .Write("resources/tier-objects/large.toml", "fallback = \"small\"\n")
        .Qualifier("pro", ("user.plan", "eq", "\"pro\""))
        .Qualifier("eu-pro", ("qualifier.pro", "eq", "true"), ("user.region", "eq", "\"eu\""))
        .Write("variables/limits.toml", "schema_version = 1\ntype = \"resource:tier\"\n\n[resolve]\ndefault = \"small\"\n\n[[resolve.rule]]\nqualifier = \"eu-pro\"\nvalue = \"large\"\n")
        .Write("variables/greeting.toml", "schema_version = 1\ntype = \"string\"\n\n[values]\nzulu = \"z\"\nalpha = \"a\"\nMid = \"m\"\n\n[resolve]\ndefault = \"zulu\"\n\n[[resolve.rule]]\nqualifier = \"pro\"\nvalue = \"alpha\"\n");

    private static async Task<JsonObject> InspectAsync(TempWorkspace workspace, params string[] selectors)
    {
        var result = await CliProcess.RunAsync(workspace.Root, ["inspect", ".", "--json", .. selectors]);
        Assert.Equal(0, result.ExitCode);
        return JsonNode.Parse(result.Stdout)!.AsObject();
    }

    private static string Compact(JsonNode? node) => node!.ToJsonString();

    [Fact]
    public async Task A_variable_depends_on_its_qualifiers_transitively_their_context_paths_its_resource_and_schemas()
    {
        using var workspace = Workspace();

        var variable = (await InspectAsync(workspace, "--variable", "limits"))["variables"]![0]!;

        Assert.Equal("""{"qualifiers":["eu-pro","pro"],"context_paths":["user.plan","user.region"],"schemas":["schemas/context.schema.json","schemas/tier.schema.json"],"resources":["tier"]}""", Compact(variable["dependencies"]));
    }

    [Fact]
    public async Task A_qualifier_lists_its_dependencies_and_consumers()
    {
        using var workspace = Workspace();

        var qualifiers = (await InspectAsync(workspace, "--qualifiers"))["qualifiers"]!.AsArray();
        var pro = qualifiers.Single(q => (string?)q!["id"] == "pro")!;
        var euPro = qualifiers.Single(q => (string?)q!["id"] == "eu-pro")!;

        Assert.Equal("""{"qualifiers":[],"context_paths":["user.plan"],"schemas":["schemas/context.schema.json"],"resources":[]}""", Compact(pro["dependencies"]));
        Assert.Equal("""[{"kind":"qualifier","label":"eu-pro"},{"kind":"variable","label":"greeting"}]""", Compact(pro["consumers"]));
        Assert.Equal("""{"qualifiers":["pro"],"context_paths":["user.plan","user.region"],"schemas":["schemas/context.schema.json"],"resources":[]}""", Compact(euPro["dependencies"]));
        Assert.Equal("""[{"kind":"variable","label":"limits"}]""", Compact(euPro["consumers"]));
    }

    [Fact]
    public async Task A_resource_shows_its_normalised_schema_path_dependencies_and_consumers()
    {
        using var workspace = Workspace();

        var resource = (await InspectAsync(workspace, "--resource", "tier"))["resources"]![0]!;

        Assert.Equal("schemas/tier.schema.json", (string?)resource["schema"]);
        Assert.Equal("""{"qualifiers":[],"context_paths":[],"schemas":["schemas/tier.schema.json"],"resources":["tier"]}""", Compact(resource["dependencies"]));
        Assert.Equal("""[{"kind":"variable","label":"limits"}]""", Compact(resource["consumers"]));
    }

    [Fact]
    public async Task Schemas_list_their_consumers_and_variable_values_come_in_key_order()
    {
        using var workspace = Workspace();

        var report = await InspectAsync(workspace);
        var schemas = report["schemas"]!.AsArray();
        var greeting = report["variables"]!.AsArray().Single(v => (string?)v!["id"] == "greeting")!;

        Assert.Equal("""[{"kind":"resource","label":"tier"}]""", Compact(schemas.Single(s => (string?)s!["id"] == "tier.schema")!["consumers"]));
        Assert.Equal("""[{"kind":"qualifier","label":"eu-pro"},{"kind":"qualifier","label":"pro"}]""", Compact(schemas.Single(s => (string?)s!["id"] == "context.schema")!["consumers"]));
        Assert.Equal(["Mid", "alpha", "zulu"], greeting["values"]!.AsArray().Select(v => (string)v!["key"]!));
    }
}
