using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FeatureManagement;
using Rototo.Extensions.Tests.Support;
using Rototo.FeatureManagement;
using Rototo.Refresh;

namespace Rototo.Extensions.Tests.FeatureManagement;

/// <summary><c>AddFeatureManagement().WithRototo()</c> answering <c>IFeatureManager</c> and <c>IVariantFeatureManager</c> from the storefront workspace.</summary>
public sealed class FeatureManagerTests : FeatureManagementHostTests
{
    protected override void ConfigureFeatures(IServiceCollection services) =>
        services.AddFeatureManagement().WithRototo(options => options.Context = JsonNode.Parse(StorefrontCopy.PremiumInGermany)!.AsObject());

    [Fact]
    public async Task A_bool_variable_is_a_flag_resolved_with_the_accessor_context_or_the_one_passed()
    {
        Assert.True(await Features.IsEnabledAsync("express-checkout", Token));
        Assert.False(await Features.IsEnabledAsync("express-checkout", ResolveContext.FromJson(StorefrontCopy.FreeInUs), Token));
        Assert.True(await Features.IsEnabledAsync("express-checkout", ResolveContext.FromJson(StorefrontCopy.PremiumInGermany), Token));
    }

    [Fact]
    public async Task Other_variables_are_enabled_variant_features_carrying_their_value()
    {
        var banner = await Features.GetVariantAsync("checkout-banner", Token);
        var shipping = await Features.GetVariantAsync("shipping-policy", Token);
        var items = await Features.GetVariantAsync("max-cart-items", Token);

        Assert.Equal(("premium", "Welcome back! Premium members check out with free express shipping."), (banner.Name, banner.Configuration.Value));
        Assert.Equal(("eu", "dhl", "3"), (shipping.Name, shipping.Configuration["carrier"], shipping.Configuration["max_days"]));
        Assert.Equal(("standard", "50"), (items.Name, items.Configuration.Value));
        Assert.True(await Features.IsEnabledAsync("checkout-banner", Token));
    }

    [Fact]
    public async Task Feature_names_are_the_variable_ids_and_an_unknown_feature_is_off()
    {
        var names = new List<string>();
        await foreach (var name in Features.GetFeatureNamesAsync(Token))
        {
            names.Add(name);
        }

        Assert.Equal(["checkout-banner", "express-checkout", "max-cart-items", "shipping-policy"], names);
        Assert.False(await Features.IsEnabledAsync("no-such-variable", Token));
        Assert.Null(await Features.GetVariantAsync("no-such-variable", Token));
    }

    [Fact]
    public async Task A_workspace_change_reaches_the_flag_and_the_variant_without_a_restart()
    {
        var free = ResolveContext.FromJson(StorefrontCopy.FreeInUs);
        Assert.False(await Features.IsEnabledAsync("express-checkout", free, Token));

        Storefront.SetExpressCheckoutForEveryone(true);
        Storefront.SetStandardBanner("Night owls check out faster");
        await Host.Services.GetRequiredService<RefreshingWorkspace>().RefreshNowAsync(Token);

        Assert.True(await Features.IsEnabledAsync("express-checkout", free, Token));
        var fixedContextBanner = await Features.GetVariantAsync("checkout-banner", Token);
        Assert.Equal("premium", fixedContextBanner.Name);
    }

    [Fact]
    public async Task A_context_that_does_not_resolve_turns_the_flag_off_and_is_logged()
    {
        var invalid = ResolveContext.FromJson("""{"user":{"tier":"gold"}}""");

        Assert.False(await Features.IsEnabledAsync("express-checkout", invalid, Token));

        Assert.Contains(Logs.Messages, m => m == "Warning: feature express-checkout is off for this evaluation: its rototo variable does not resolve: resolve context does not match schema: \"gold\" is not one of [\"free\",\"plus\",\"premium\"]");
    }
}
