using Microsoft.Extensions.DependencyInjection;
using Microsoft.FeatureManagement;
using Rototo.Extensions.Tests.Support;
using Rototo.FeatureManagement;
using Rototo.Refresh;

namespace Rototo.Extensions.Tests.FeatureManagement;

/// <summary>
/// A bool variable without rules reads no context: the bridge answers it outright, without the context accessor and
/// without validating a context, and a workspace change still reaches it.
/// </summary>
public sealed class ContextFreeFlagTests : FeatureManagementHostTests
{
    private readonly CountingAccessor _contexts = new();

    public override async ValueTask InitializeAsync()
    {
        Storefront.SetExpressCheckoutForEveryone(true);
        await base.InitializeAsync();
    }

    protected override void ConfigureFeatures(IServiceCollection services) =>
        services.AddSingleton<IRototoContextAccessor>(_contexts).AddFeatureManagement().WithRototo();

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

        Assert.DoesNotContain(Logs.Messages, m => m.StartsWith("Warning:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_workspace_change_turns_the_flag_off_and_back_to_a_per_evaluation_resolution()
    {
        Storefront.SetExpressCheckoutForEveryone(false);
        await Host.Services.GetRequiredService<RefreshingWorkspace>().RefreshNowAsync(Token);

        Assert.False(await Features.IsEnabledAsync("express-checkout", Token));
        Assert.Equal(0, _contexts.Calls);

        // The storefront's own express-checkout reads user.tier: evaluated with the accessor's context again.
        File.Copy(Path.Combine(StorefrontCopy.RepositoryRoot, "examples", "storefront", "variables", "express-checkout.toml"), Path.Combine(Storefront.Root, "variables", "express-checkout.toml"), overwrite: true);
        await Host.Services.GetRequiredService<RefreshingWorkspace>().RefreshNowAsync(Token);

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
