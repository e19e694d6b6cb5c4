using System.Text.Json.Serialization;

namespace Rototo.Tests.Acceptance;

/// <summary>
/// A resource-backed value read into the app's own record through source-generated metadata, the way a trimmed or
/// native AOT app reads it (VariableResolution.GetValue with a JsonTypeInfo).
/// </summary>
public sealed class TypedValueTests
{
    [Theory]
    [InlineData("DE", "dhl", 49.0, 3)] // examples/storefront/resources/shipping-policy-objects/eu.toml
    [InlineData("US", "ups", 150.0, 10)] // .../worldwide.toml, the default
    public async Task A_resource_value_reads_into_a_record_without_reflection(string country, string carrier, double threshold, int days)
    {
        var workspace = await Workspace.LoadAsync(Path.Combine(TestData.RepositoryRoot, "examples", "storefront"));

        var resolution = await workspace.ResolveVariableAsync("shipping-policy", $$$"""{"request":{"country":"{{{country}}}"}}""");
        var policy = resolution.GetValue(StorefrontJson.Default.ShippingPolicy);

        Assert.Equal(new ShippingPolicy(carrier, threshold, days), policy);
    }

    [Fact]
    public async Task A_value_that_does_not_fit_the_record_is_a_json_error()
    {
        var workspace = await Workspace.LoadAsync(Path.Combine(TestData.RepositoryRoot, "examples", "storefront"));

        var resolution = await workspace.ResolveVariableAsync("checkout-banner", """{"user":{"id":"u-1","tier":"free"}}""");

        Assert.Throws<System.Text.Json.JsonException>(() => resolution.GetValue(StorefrontJson.Default.ShippingPolicy));
    }
}

/// <summary>The app's view of a storefront shipping policy.</summary>
public sealed record ShippingPolicy(string Carrier, double FreeShippingOverEur, int MaxDays);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ShippingPolicy))]
internal sealed partial class StorefrontJson : JsonSerializerContext;
