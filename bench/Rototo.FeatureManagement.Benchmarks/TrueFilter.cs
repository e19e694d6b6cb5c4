using Microsoft.FeatureManagement;

namespace Rototo.FeatureManagement.Benchmarks;

/// <summary>A feature filter that answers true at once, with a cached task: Microsoft.FeatureManagement's cost around a filter.</summary>
[FilterAlias(Alias)]
internal sealed class TrueFilter : IFeatureFilter
{
    public const string Alias = "True";

    private static readonly Task<bool> Enabled = Task.FromResult(true);

    public Task<bool> EvaluateAsync(FeatureFilterEvaluationContext context) => Enabled;
}
