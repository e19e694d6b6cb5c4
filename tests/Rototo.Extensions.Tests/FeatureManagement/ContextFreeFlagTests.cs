using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.FeatureManagement;
using Rototo.Extensions.Hosting;
using Rototo.Extensions.Tests.Support;
using Rototo.FeatureManagement;
using Rototo.Refresh;

namespace Rototo.Extensions.Tests.FeatureManagement;

/// <summary>
/// A bool variable without rules reads no context: the bridge answers it outright, without the context accessor and
/// without validating a context, and a workspace change still reaches it.
/// </summary>
public sealed class ContextFreeFlagTests : IAsyncLifetime
{
    private readonly StorefrontCopy _storefront = new();
    private readonly CountingAccessor _contexts = new();
    private readonly CollectingLogger _logs = new();
    private IHost _host = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private IVariantFeatureManager Features => _host.Services.GetRequiredService<IVariantFeatureManager>();

    public async ValueTask InitializeAsync()
    {
        _storefront.SetExpressCheckoutForEveryone(true);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(_logs);
        builder.Services.AddRototo(options =>
        {
            options.Source = _storefront.Root;
            options.RefreshPeriod = null;
        });
        builder.Services.AddSingleton<IRototoContextAccessor>(_contexts);
        builder.Services.AddFeatureManagement().WithRototo();
        _host = builder.Build();
        await _host.StartAsync(Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(Token);
        _host.Dispose();
        _storefront.Dispose();
    }

    [Fact]
    public async Task A_flag_without_rules_is_answered_without_the_context_accessor()
    {
        Assert.True(await Features.IsEnabledAsync("express-checkout", Token));

        Assert.Equal(0, _contexts.Calls);
    }

    [Fact]
    public async Task A_flag_without_rules_has_its_value_for_any_context_passed_even_one_the_schema_rejects()
    {
        var invalid = ResolveContext.FromJson("""{"user":{"tier":"gold"}}""");

        Assert.True(await Features.IsEnabledAsync("express-checkout", invalid, Token));

        Assert.DoesNotContain(_logs.Messages, m => m.StartsWith("Warning:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_workspace_change_turns_the_flag_off_and_back_to_a_per_evaluation_resolution()
    {
        _storefront.SetExpressCheckoutForEveryone(false);
        await _host.Services.GetRequiredService<RefreshingWorkspace>().RefreshNowAsync(Token);

        Assert.False(await Features.IsEnabledAsync("express-checkout", Token));
        Assert.Equal(0, _contexts.Calls);

        // The storefront's own express-checkout reads user.tier: evaluated with the accessor's context again.
        File.Copy(Path.Combine(StorefrontCopy.RepositoryRoot, "examples", "storefront", "variables", "express-checkout.toml"), Path.Combine(_storefront.Root, "variables", "express-checkout.toml"), overwrite: true);
        await _host.Services.GetRequiredService<RefreshingWorkspace>().RefreshNowAsync(Token);

        Assert.True(await Features.IsEnabledAsync("express-checkout", Token));
        Assert.Equal(1, _contexts.Calls);
    }

    /// <summary>A premium member's context, counting the evaluations that asked for it.</summary>
    private sealed class CountingAccessor : IRototoContextAccessor
    {
        private readonly ResolveContext _context = ResolveContext.FromJson(StorefrontCopy.PremiumInGermany);
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public ValueTask<ResolveContext> GetContextAsync()
        {
            Interlocked.Increment(ref _calls);
            return ValueTask.FromResult(_context);
        }
    }
}
