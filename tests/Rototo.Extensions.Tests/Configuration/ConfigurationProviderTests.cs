using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Rototo.Extensions.Configuration;
using Rototo.Extensions.Tests.Support;
using Rototo.Refresh;

namespace Rototo.Extensions.Tests.Configuration;

/// <summary><c>builder.Configuration.AddRototo(...)</c> over a real refreshing workspace (a copy of the storefront example).</summary>
public sealed class ConfigurationProviderTests : IDisposable
{
    private readonly StorefrontCopy _storefront = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _storefront.Dispose();

    public sealed class CheckoutOptions
    {
        [ConfigurationKeyName("checkout-banner")]
        public string Banner { get; set; } = "";

        [ConfigurationKeyName("max-cart-items")]
        public int MaxCartItems { get; set; }

        [ConfigurationKeyName("express-checkout")]
        public bool ExpressCheckout { get; set; }

        [ConfigurationKeyName("shipping-policy")]
        public ShippingPolicy Shipping { get; set; } = new();
    }

    public sealed class ShippingPolicy
    {
        public string Carrier { get; set; } = "";

        [ConfigurationKeyName("max_days")]
        public int MaxDays { get; set; }
    }

    [Fact]
    public async Task Variables_are_keys_under_Rototo_with_objects_flattened_as_json_configuration_does()
    {
        await using var workspace = await RefreshingWorkspace.LoadAsync(_storefront.Root, cancellationToken: Token);

        var configuration = new ConfigurationBuilder().AddRototo(workspace, ResolveContext.FromJson(StorefrontCopy.PremiumInGermany)).Build();

        // The storefront's files give: premium banner, 50 items (3 items is no large cart), the EU policy (DE), flag on.
        var expected = JsonConfiguration("""
            {"Rototo": {
              "checkout-banner": "Welcome back! Premium members check out with free express shipping.",
              "express-checkout": true,
              "max-cart-items": 50,
              "shipping-policy": {"carrier": "dhl", "free_shipping_over_eur": 49.0, "max_days": 3}
            }}
            """);
        Assert.Equal(expected, Flat(configuration));
        Assert.Equal("dhl", configuration["Rototo:shipping-policy:carrier"]);
        Assert.Equal("49.0", configuration["Rototo:shipping-policy:free_shipping_over_eur"]);
        var bound = configuration.GetSection("Rototo").Get<CheckoutOptions>()!;
        Assert.Equal((50, true, 3), (bound.MaxCartItems, bound.ExpressCheckout, bound.Shipping.MaxDays));
    }

    [Fact]
    public async Task Prefix_and_variable_selection_are_options()
    {
        await using var workspace = await RefreshingWorkspace.LoadAsync(_storefront.Root, cancellationToken: Token);

        var configuration = new ConfigurationBuilder()
            .AddRototo(workspace, ResolveContext.FromJson(StorefrontCopy.FreeInUs), options =>
            {
                options.KeyPrefix = "Shop:Settings";
                options.Variables = ["checkout-banner"];
            })
            .Build();

        Assert.Equal([new("Shop:Settings:checkout-banner", "Secure checkout")], Flat(configuration));
    }

    [Fact]
    public async Task A_swap_reaches_IOptionsMonitor_without_a_restart()
    {
        await using var workspace = await RefreshingWorkspace.LoadAsync(_storefront.Root, cancellationToken: Token);
        var configuration = new ConfigurationBuilder().AddRototo(workspace, ResolveContext.FromJson(StorefrontCopy.FreeInUs)).Build();
        using var services = new ServiceCollection().Configure<CheckoutOptions>(configuration.GetSection("Rototo")).BuildServiceProvider();
        var monitor = services.GetRequiredService<IOptionsMonitor<CheckoutOptions>>();
        var changes = new List<string>();
        using var subscription = monitor.OnChange(options => changes.Add(options.Banner));
        Assert.Equal(("Secure checkout", false), (monitor.CurrentValue.Banner, monitor.CurrentValue.ExpressCheckout));

        _storefront.SetStandardBanner("Checkout is open all night");
        _storefront.SetExpressCheckoutForEveryone(true);
        Assert.Equal(RefreshOutcome.Refreshed, await workspace.RefreshNowAsync(Token));

        Assert.Equal(("Checkout is open all night", true), (monitor.CurrentValue.Banner, monitor.CurrentValue.ExpressCheckout));
        Assert.Equal(["Checkout is open all night"], changes);
    }

    [Fact]
    public async Task A_failed_refresh_keeps_the_last_good_values()
    {
        await using var workspace = await RefreshingWorkspace.LoadAsync(_storefront.Root, cancellationToken: Token);
        var configuration = new ConfigurationBuilder().AddRototo(workspace, ResolveContext.FromJson(StorefrontCopy.FreeInUs)).Build();

        _storefront.Write("variables/checkout-banner.toml", "type = [broken");
        await Assert.ThrowsAsync<RototoException>(() => workspace.RefreshNowAsync(Token));

        Assert.Equal("Secure checkout", configuration["Rototo:checkout-banner"]);
    }

    [Fact]
    public async Task A_new_version_that_no_longer_resolves_with_the_context_keeps_the_last_good_values_and_logs_why()
    {
        await using var workspace = await RefreshingWorkspace.LoadAsync(_storefront.Root, cancellationToken: Token);
        var logger = new CollectingLogger();
        // This process's context has no cart: a rule that reads cart.items cannot resolve with it.
        var context = ResolveContext.FromJson("""{"user":{"id":"anonymous","tier":"free"},"request":{"country":"US"}}""");
        var configuration = new ConfigurationBuilder()
            .AddRototo(workspace, context, options =>
            {
                options.Variables = ["checkout-banner"];
                options.Logger = logger;
            })
            .Build();
        var provider = (RototoConfigurationProvider)configuration.Providers.Single();
        var reloaded = false;
        using var registration = configuration.GetReloadToken().RegisterChangeCallback(_ => reloaded = true, null);

        _storefront.Write("variables/checkout-banner.toml", """
            schema_version = 1
            type = "string"

            [values]
            standard = "Secure checkout"
            bulk = "Bulk orders ship separately"

            [resolve]
            default = "standard"

            [[resolve.rule]]
            qualifier = "large-carts"
            value = "bulk"
            """);
        Assert.Equal(RefreshOutcome.Refreshed, await workspace.RefreshNowAsync(Token));

        Assert.Equal("Secure checkout", configuration["Rototo:checkout-banner"]);
        Assert.False(reloaded);
        Assert.Contains("variable 'checkout-banner' cannot be resolved with the configured context", provider.LastError, StringComparison.Ordinal);
        var warning = Assert.Single(logger.Messages);
        Assert.StartsWith($"Warning: rototo configuration from {_storefront.Root} keeps its last good values: ", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_context_the_schema_refuses_fails_the_first_load_naming_the_variable()
    {
        await using var workspace = await RefreshingWorkspace.LoadAsync(_storefront.Root, cancellationToken: Token);
        var manager = new ConfigurationManager();

        var error = Assert.Throws<RototoException>(() => manager.AddRototo(workspace, ResolveContext.FromJson("""{"user":{"tier":"gold"}}""")));

        Assert.Equal(
            $"rototo configuration from {_storefront.Root}: variable 'checkout-banner' cannot be resolved with the configured context: " +
            "resolve context does not match schema: \"gold\" is not one of [\"free\",\"plus\",\"premium\"]",
            error.Message);
    }

    [Fact]
    public async Task AddRototoAsync_loads_the_source_and_shuts_the_workspace_down_with_the_configuration()
    {
        var manager = new ConfigurationManager();

        var workspace = await manager.AddRototoAsync(_storefront.Root, ResolveContext.FromJson(StorefrontCopy.PremiumInGermany), options => options.RefreshPeriod = null, Token);

        Assert.Equal("true", manager["Rototo:express-checkout"], ignoreCase: true);
        manager.Dispose();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline && IsRunning(workspace))
        {
            await Task.Delay(20, Token);
        }
        Assert.Equal("refreshing workspace has been shut down", Assert.Throws<RototoException>(() => workspace.Current).Message);
    }

    private static bool IsRunning(RefreshingWorkspace workspace)
    {
        try
        {
            _ = workspace.Current;
            return true;
        }
        catch (RototoException)
        {
            return false;
        }
    }

    /// <summary>What appsettings.json holding <paramref name="json"/> gives: the independent oracle of the flattening.</summary>
    private static List<KeyValuePair<string, string?>> JsonConfiguration(string json) =>
        Flat(new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build());

    private static List<KeyValuePair<string, string?>> Flat(IConfiguration configuration) =>
        [.. configuration.AsEnumerable().Where(e => e.Value is not null).OrderBy(e => e.Key, StringComparer.Ordinal)];
}
