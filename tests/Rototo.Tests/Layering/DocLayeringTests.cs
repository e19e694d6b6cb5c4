using System.Text.Json;

namespace Rototo.Tests.Layering;

/// <summary>The layering trio from rototo's tutorial (../shared/rototo/doc-workspaces/layering; rototo-acceptance.md K-06).</summary>
public sealed class DocLayeringTests
{
    private const string ProductDefault = """{"allowed_tasks":["summarization","classification"],"fallback_provider":"none","mode":"primary","primary_provider":"openai","timeout_ms":4000}""";
    private const string CustomerDefault = """{"allowed_tasks":["summarization","classification"],"fallback_provider":"anthropic","mode":"fallback","primary_provider":"openai","timeout_ms":5000}""";
    private const string TeamFastSummarization = """{"allowed_tasks":["summarization"],"fallback_provider":"openai","mode":"primary","primary_provider":"anthropic","timeout_ms":2500}""";

    private static string Layer(string name) => Path.Combine(TestData.SharedRototo(), "doc-workspaces", "layering", name);

    [ReferenceDataTheory]
    [InlineData("product-config", """{}""", "product_default", ProductDefault)]
    [InlineData("customer-config", """{}""", "customer_default", CustomerDefault)]
    [InlineData("team-config", """{"task":{"kind":"classification"}}""", "customer_default", CustomerDefault)]
    [InlineData("team-config", """{"task":{"kind":"summarization"}}""", "team_fast_summarization", TeamFastSummarization)]
    public async Task Each_layer_resolves_the_routing_policy_of_the_tutorial(string layer, string context, string valueKey, string value)
    {
        var workspace = await Workspace.LoadAsync(Layer(layer), cancellationToken: TestContext.Current.CancellationToken);

        var resolution = workspace.ResolveVariable("inference-routing-policy", ResolveContext.FromJson(context));

        Assert.Equal(valueKey, resolution.ValueKey);
        Assert.Equal(value, Rototo.Json.SerdeJson.Compact(resolution.Value));
    }

    [ReferenceDataFact]
    public async Task Cli_resolves_the_team_layer_with_a_path_context()
    {
        var result = await CliProcess.RunAsync(Layer("team-config"), "resolve", ".", "--variable", "inference-routing-policy", "--context", "task.kind=summarization", "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        var resolution = json.RootElement.GetProperty("variables")[0].GetProperty("resolution");
        Assert.Equal("team_fast_summarization", resolution.GetProperty("value_key").GetString());
        Assert.Equal(TeamFastSummarization, Rototo.Json.SerdeJson.Compact(resolution.GetProperty("value")));
    }

    [ReferenceDataTheory]
    [InlineData("product-config")]
    [InlineData("customer-config")]
    [InlineData("team-config")]
    public async Task Cli_lint_of_every_layer_is_clean(string layer)
    {
        var result = await CliProcess.RunAsync(Layer(layer), "lint", ".", "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.Equal(0, json.RootElement.GetProperty("diagnostics").GetArrayLength());
    }
}
