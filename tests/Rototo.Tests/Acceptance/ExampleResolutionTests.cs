using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rototo.Tests.Acceptance;

/// <summary>Resolution on rototo's example workspaces through the SDK surface (rototo-acceptance.md C and D).</summary>
public sealed class ExampleResolutionTests
{
    private static Task<Workspace> LoadBasicAsync() => Workspace.LoadAsync(TestData.SharedRototo("examples/basic"));

    [ReferenceDataFact]
    public async Task Premium_context_selects_the_premium_message()
    {
        var workspace = await LoadBasicAsync();

        var resolution = await workspace.ResolveVariableAsync("premium-message", """{"user":{"tier":"premium"}}""");

        Assert.Equal("premium-message", resolution.Id);
        Assert.Equal("premium", resolution.ValueKey);
        Assert.Equal("Welcome back, premium member.", resolution.GetValue<string>());
    }

    [ReferenceDataFact]
    public async Task Free_context_falls_back_to_the_default_value()
    {
        var workspace = await LoadBasicAsync();

        var resolution = await workspace.ResolveVariableAsync("premium-message", new JsonObject { ["user"] = new JsonObject { ["tier"] = "free" } });

        Assert.Equal("control", resolution.ValueKey);
        Assert.Equal("Welcome back.", resolution.GetValue<string>());
    }

    [ReferenceDataTheory]
    [InlineData("premium", true)]
    [InlineData("free", false)]
    public async Task Premium_users_qualifier_follows_the_tier(string tier, bool expected)
    {
        var workspace = await LoadBasicAsync();
        using var context = JsonDocument.Parse("{\"user\":{\"tier\":\"" + tier + "\"}}");

        var resolution = await workspace.ResolveQualifierAsync("premium-users", context.RootElement);

        Assert.Equal(new QualifierResolution("premium-users", expected), resolution);
    }

    [ReferenceDataFact]
    public async Task Resource_backed_variable_returns_the_resource_object()
    {
        var workspace = await LoadBasicAsync();

        var resolution = await workspace.ResolveVariableAsync("checkout-redesign", """{"user":{"tier":"premium"}}""");

        Assert.Equal("premium", resolution.ValueKey);
        Assert.Equal("premium", resolution.ToJsonNode()!["variant"]!.GetValue<string>());
    }

    [ReferenceDataFact]
    public async Task Sample_application_context_resolves_every_documented_value()
    {
        var workspace = await LoadBasicAsync();
        var context = ResolveContext.FromJson("""{"lane":"prod","user":{"id":"user-123","tier":"premium","role":"admin"},"account":{"plan":"enterprise","seats":250},"cart":{"total_usd":300},"request":{"country":"DE"}}""");

        Assert.True(workspace.ResolveQualifier("premium-users", context).Value);
        Assert.True(workspace.ResolveQualifier("enterprise-accounts", context).Value);
        Assert.Equal("premium", workspace.ResolveVariable("checkout-redesign", context).ToJsonNode()!["variant"]!.GetValue<string>());
        Assert.Equal("gpt-5", workspace.ResolveVariable("llm-agent-config", context).ToJsonNode()!["model"]!.GetValue<string>());
        Assert.Equal("Welcome back, premium member.", workspace.ResolveVariable("premium-message", context).GetValue<string>());
    }

    [Fact]
    public async Task Loaded_runtime_does_not_see_later_edits_on_disk()
    {
        using var temp = new TempWorkspace()
            .Write("variables/message.toml", "schema_version = 1\ntype = \"string\"\n\n[values]\ndefault = \"loaded\"\n\n[resolve]\ndefault = \"default\"\n");
        var workspace = await Workspace.LoadAsync(temp.Root);

        temp.Write("variables/message.toml", "schema_version = 1\ntype = \"string\"\n\n[values]\ndefault = \"changed\"\n\n[resolve]\ndefault = \"default\"\n");

        Assert.Equal("loaded", (await workspace.ResolveVariableAsync("message", "{}")).GetValue<string>());
    }

    [ReferenceDataFact]
    public async Task Context_of_the_wrong_shape_fails_the_context_schema()
    {
        var workspace = await LoadBasicAsync();

        var variable = await Assert.ThrowsAsync<RototoException>(() => workspace.ResolveVariableAsync("premium-message", """{"user":{"tier":{"bad":"shape"}}}"""));
        var qualifier = await Assert.ThrowsAsync<RototoException>(() => workspace.ResolveQualifierAsync("premium-users", """{"unknown":true}"""));

        Assert.StartsWith("resolve context does not match schema", variable.Message, StringComparison.Ordinal);
        Assert.StartsWith("resolve context does not match schema", qualifier.Message, StringComparison.Ordinal);
        Assert.Equal(RototoErrorCode.InvalidContext, qualifier.Code);
    }

    [ReferenceDataFact]
    public async Task Context_that_passes_the_schema_but_lacks_the_attribute_is_a_missing_attribute_error()
    {
        var workspace = await LoadBasicAsync();

        var error = await Assert.ThrowsAsync<RototoException>(() => workspace.ResolveQualifierAsync("premium-users", """{"user":{"id":"user-123"}}"""));

        Assert.Equal("missing resolve context attribute: user.tier required by qualifier://premium-users", error.Message);
    }

    [ReferenceDataFact]
    public async Task Skipping_validation_accepts_a_context_the_schema_refuses()
    {
        var workspace = await LoadBasicAsync();

        var variable = await workspace.ResolveVariableAsync("checkout-redesign", """{"lane":"prd","user":{"tier":"premium"}}""", validateContext: false);
        var qualifier = await workspace.ResolveQualifierAsync("premium-users", """{"unknown":true,"user":{"tier":"free"}}""", validateContext: false);
        var shape = await workspace.ResolveVariableAsync("premium-message", """{"user":{"tier":{"bad":"shape"}}}""", validateContext: false);

        Assert.Equal("premium", variable.ValueKey);
        Assert.False(qualifier.Value);
        Assert.Equal("control", shape.ValueKey);
    }

    [ReferenceDataTheory]
    [InlineData("""["not","an","object"]""")]
    [InlineData("42")]
    [InlineData("null")]
    public async Task Context_that_is_not_an_object_is_refused(string context)
    {
        var workspace = await LoadBasicAsync();

        var error = await Assert.ThrowsAsync<RototoException>(() => workspace.ResolveVariableAsync("premium-message", context));

        Assert.Contains("resolve context must be a JSON object", error.Message, StringComparison.Ordinal);
    }
}
