using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.FeatureManagement;
using Rototo.Extensions.Hosting;

namespace Rototo.FeatureManagement;

/// <summary>
/// The feature filter of rototo flags (alias <c>Rototo</c>): resolves the bool variable named like the feature with the
/// context of <see cref="IRototoContextAccessor"/>. A context that does not resolve, or a variable that is no longer a
/// bool after a refresh, evaluates to false and is logged as a warning. <see cref="RototoContextualFeatureFilter"/> does
/// the same with a context the caller passes. When the accessor answers synchronously (a context cached for the request,
/// or a fixed one) the filter completes synchronously and does not allocate.
/// </summary>
[FilterAlias(Alias)]
public sealed class RototoFeatureFilter : IFeatureFilter
{
    /// <summary>The filter's name in feature definitions.</summary>
    public const string Alias = "Rototo";

    private readonly FlagEvaluator _flags;
    private readonly IRototoContextAccessor _contexts;

    /// <summary>Creates the filter (the container does this).</summary>
    /// <param name="workspace">The hosted workspace.</param>
    /// <param name="contexts">Gives each evaluation's context.</param>
    /// <param name="logger">Receives evaluations that do not resolve.</param>
    public RototoFeatureFilter(RototoWorkspaceService workspace, IRototoContextAccessor contexts, ILogger<RototoFeatureFilter> logger)
    {
        ArgumentNullException.ThrowIfNull(contexts);
        _flags = new FlagEvaluator(workspace, logger);
        _contexts = contexts;
    }

    /// <inheritdoc />
    public Task<bool> EvaluateAsync(FeatureFilterEvaluationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var pending = _contexts.GetContextAsync();
        return pending.IsCompletedSuccessfully
            ? FlagEvaluator.Answer(_flags.Evaluate(context.FeatureName, pending.Result))
            : EvaluateLaterAsync(context.FeatureName, pending);
    }

    private async Task<bool> EvaluateLaterAsync(string feature, ValueTask<ResolveContext> pending) =>
        _flags.Evaluate(feature, await pending.ConfigureAwait(false));
}

/// <summary>
/// The <c>Rototo</c> filter for a context the caller passes: <c>featureManager.IsEnabledAsync("x", resolveContext)</c>
/// resolves the flag with that <see cref="ResolveContext"/> instead of the accessor's.
/// </summary>
[FilterAlias(RototoFeatureFilter.Alias)]
public sealed class RototoContextualFeatureFilter : IContextualFeatureFilter<ResolveContext>
{
    private readonly FlagEvaluator _flags;

    /// <summary>Creates the filter (the container does this).</summary>
    /// <param name="workspace">The hosted workspace.</param>
    /// <param name="logger">Receives evaluations that do not resolve.</param>
    public RototoContextualFeatureFilter(RototoWorkspaceService workspace, ILogger<RototoFeatureFilter> logger)
    {
        _flags = new FlagEvaluator(workspace, logger);
    }

    /// <inheritdoc />
    public Task<bool> EvaluateAsync(FeatureFilterEvaluationContext featureFilterContext, ResolveContext appContext)
    {
        ArgumentNullException.ThrowIfNull(featureFilterContext);
        ArgumentNullException.ThrowIfNull(appContext);
        return FlagEvaluator.Answer(_flags.Evaluate(featureFilterContext.FeatureName, appContext));
    }
}

/// <summary>Resolves a flag: the bool value of the variable named like the feature; false (logged) when it does not resolve.</summary>
internal sealed class FlagEvaluator
{
    private static readonly Task<bool> True = Task.FromResult(true);
    private static readonly Task<bool> False = Task.FromResult(false);

    private readonly RototoWorkspaceService _workspace;
    private readonly ILogger _logger;

    public FlagEvaluator(RototoWorkspaceService workspace, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(logger);
        _workspace = workspace;
        _logger = logger;
    }

    /// <summary>A completed task of <paramref name="enabled"/>, shared (no allocation).</summary>
    public static Task<bool> Answer(bool enabled) => enabled ? True : False;

    public bool Evaluate(string feature, ResolveContext context)
    {
        try
        {
            var kind = _workspace.Workspace.ResolveVariable(feature, context).Value.ValueKind;
            if (kind is JsonValueKind.True or JsonValueKind.False)
            {
                return kind == JsonValueKind.True;
            }
            _logger.LogWarning("feature {Feature} is off: its rototo variable is no longer a bool (a value of kind {Kind})", feature, kind);
        }
        catch (RototoException e)
        {
            _logger.LogWarning("feature {Feature} is off for this evaluation: its rototo variable does not resolve: {Error}", feature, e.Message);
        }
        return false;
    }
}
