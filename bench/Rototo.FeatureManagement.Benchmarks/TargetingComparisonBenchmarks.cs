using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.FeatureFilters;
using Rototo.Extensions.Hosting;
using Rototo.Refresh;

namespace Rototo.FeatureManagement.Benchmarks;

/// <summary>
/// The same flag (<see cref="BetaFlag"/>) evaluated by Microsoft.FeatureManagement's targeting filter and by rototo, in one
/// run, two ways each: the engine alone (the targeting filter's <c>EvaluateAsync</c> with bound settings; a rototo
/// resolution from a validated context) and through <c>IFeatureManager.IsEnabledAsync</c> (the configuration's flag
/// with a targeting context accessor; the rototo bridge with a context accessor), next to a flag without any filter,
/// which is what <c>IFeatureManager</c> costs by itself, its rototo twin (a bool variable without rules, which the
/// bridge answers without a filter), and a flag whose filter answers at once, which is what <c>IFeatureManager</c> costs
/// around any filter. Ratios are within each category.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class TargetingComparisonBenchmarks
{
    private string _root = "";
    private RefreshingWorkspace _workspace = null!;
    private ResolveContext _context = null!;
    private ContextualTargetingFilter _targeting = null!;
    private FeatureFilterEvaluationContext _targetingEvaluation = null!;
    private TargetingContext _targetingContext = null!;
    private ServiceProvider _featureManagement = null!;
    private ServiceProvider _bridge = null!;
    private IFeatureManager _targetingManager = null!;
    private IFeatureManager _rototoManager = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _root = BetaFlag.WriteWorkspace();
        _workspace = await RefreshingWorkspace.LoadAsync(_root);
        _context = ResolveContext.FromJson($$$"""{"user":{"id":"{{{BetaFlag.UserId}}}","group":"{{{BetaFlag.Group}}}"}}""");
        _workspace.Current.ValidateContext(_context);

        _targetingContext = new TargetingContext { UserId = BetaFlag.UserId, Groups = [BetaFlag.Group] };
        _targeting = new ContextualTargetingFilter();
        var parameters = new ConfigurationBuilder().AddInMemoryCollection(BetaFlag.TargetingConfiguration).Build()
            .GetSection("feature_management:feature_flags:0:conditions:client_filters:0:parameters");
        _targetingEvaluation = new FeatureFilterEvaluationContext { FeatureName = BetaFlag.FeatureManagementName, Settings = _targeting.BindParameters(parameters) };

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(BetaFlag.TargetingConfiguration).Build();
        _featureManagement = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddFeatureManagement().WithTargeting<FixedTargetingContextAccessor>().AddFeatureFilter<TrueFilter>().Services
            .AddSingleton(_targetingContext)
            .BuildServiceProvider();
        _targetingManager = _featureManagement.GetRequiredService<IFeatureManager>();

        _bridge = new ServiceCollection()
            .AddLogging()
            .AddRototo(_workspace)
            .AddSingleton<IRototoContextAccessor>(new FixedContextAccessor(_context))
            .AddFeatureManagement().WithRototo().Services
            .BuildServiceProvider();
        _rototoManager = _bridge.GetRequiredService<IFeatureManager>();

        // Each engine answers the same alone and through IFeatureManager (the two percentage hashes differ, so the
        // engines need not agree with each other for this user); every path is warm.
        if (await _targeting.EvaluateAsync(_targetingEvaluation, _targetingContext) != await _targetingManager.IsEnabledAsync(BetaFlag.FeatureManagementName)
            || _workspace.ResolveVariable(BetaFlag.RototoName, _context).Value.GetBoolean() != await _rototoManager.IsEnabledAsync(BetaFlag.RototoName)
            || !await _targetingManager.IsEnabledAsync(BetaFlag.AlwaysOnName)
            || !await _targetingManager.IsEnabledAsync(BetaFlag.TrueFilterName)
            || !await _rototoManager.IsEnabledAsync(BetaFlag.RototoAlwaysOnName))
        {
            throw new InvalidOperationException("a flag answers differently through IFeatureManager");
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _bridge.DisposeAsync();
        await _featureManagement.DisposeAsync();
        await _workspace.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "targeting filter")]
    [BenchmarkCategory("engine")]
    public Task<bool> TargetingFilter() => _targeting.EvaluateAsync(_targetingEvaluation, _targetingContext);

    [Benchmark(Description = "rototo resolution")]
    [BenchmarkCategory("engine")]
    public bool RototoResolution() => _workspace.ResolveVariable(BetaFlag.RototoName, _context).Value.GetBoolean();

    [Benchmark(Baseline = true, Description = "IFeatureManager + targeting filter")]
    [BenchmarkCategory("IFeatureManager")]
    public Task<bool> FeatureManagerTargeting() => _targetingManager.IsEnabledAsync(BetaFlag.FeatureManagementName);

    [Benchmark(Description = "IFeatureManager, flag without filter")]
    [BenchmarkCategory("IFeatureManager")]
    public Task<bool> FeatureManagerAlone() => _targetingManager.IsEnabledAsync(BetaFlag.AlwaysOnName);

    [Benchmark(Description = "IFeatureManager, flag with a filter answering true")]
    [BenchmarkCategory("IFeatureManager")]
    public Task<bool> FeatureManagerTrueFilter() => _targetingManager.IsEnabledAsync(BetaFlag.TrueFilterName);

    [Benchmark(Description = "IFeatureManager + rototo bridge")]
    [BenchmarkCategory("IFeatureManager")]
    public Task<bool> FeatureManagerRototo() => _rototoManager.IsEnabledAsync(BetaFlag.RototoName);

    [Benchmark(Description = "IFeatureManager + rototo bridge, variable without rules")]
    [BenchmarkCategory("IFeatureManager")]
    public Task<bool> FeatureManagerRototoAlone() => _rototoManager.IsEnabledAsync(BetaFlag.RototoAlwaysOnName);

    /// <summary>The targeting context of the measured user, as an application's accessor would give it.</summary>
    private sealed class FixedTargetingContextAccessor(TargetingContext context) : ITargetingContextAccessor
    {
        public ValueTask<TargetingContext> GetContextAsync() => ValueTask.FromResult(context);
    }

    /// <summary>The measured user's validated rototo context.</summary>
    private sealed class FixedContextAccessor(ResolveContext context) : IRototoContextAccessor
    {
        public ValueTask<ResolveContext> GetContextAsync() => ValueTask.FromResult(context);
    }
}
