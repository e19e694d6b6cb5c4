using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.FeatureManagement;
using Rototo.Extensions.Hosting;

namespace Rototo.FeatureManagement;

/// <summary>
/// Feature definitions from the variables of the hosted rototo workspace (<c>services.AddRototo(...)</c>): the feature
/// name is the variable id. A bool variable is a flag whose value <see cref="RototoFeatureFilter"/> resolves for each
/// evaluation, except a variable that reads no context (<see cref="Workspace.ReadsContext"/>): its value is the same for
/// every context, so it is resolved once per workspace version and the definition is on or off outright (no filter, no
/// context built or validated, also for <c>IsEnabledAsync(name, context)</c>); any other variable is a variant feature, enabled, whose variant is the resolved value key with the
/// value as its configuration (<c>variant.Configuration.Value</c> for a primitive, children for a resource object). A
/// context that does not resolve (invalid for the context schema, an attribute a rule needs is missing) makes the
/// feature disabled without a variant, and is logged as a warning. Definitions are built once per workspace version.
/// </summary>
public sealed class RototoFeatureDefinitionProvider : IFeatureDefinitionProvider
{
    private readonly RototoWorkspaceService _workspace;
    private readonly IRototoContextAccessor _contexts;
    private readonly RototoFeatureOptions _options;
    private readonly ILogger<RototoFeatureDefinitionProvider> _logger;
    private RototoFeatureCatalog? _catalog;

    /// <summary>Creates the provider (the container does this).</summary>
    /// <param name="workspace">The hosted workspace.</param>
    /// <param name="contexts">Gives each evaluation's context.</param>
    /// <param name="options">The bridge's options.</param>
    /// <param name="logger">Receives evaluations that do not resolve.</param>
    public RototoFeatureDefinitionProvider(RototoWorkspaceService workspace, IRototoContextAccessor contexts, RototoFeatureOptions options, ILogger<RototoFeatureDefinitionProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(contexts);
        ArgumentNullException.ThrowIfNull(options);
        _workspace = workspace;
        _contexts = contexts;
        _options = options;
        _logger = logger;
    }

    /// <inheritdoc />
    public Task<FeatureDefinition> GetFeatureDefinitionAsync(string featureName)
    {
        ArgumentNullException.ThrowIfNull(featureName);
        var catalog = Catalog();
        return catalog.Get(featureName) switch
        {
            null => Task.FromResult<FeatureDefinition>(null!),
            { IsFlag: true } flag => flag.Definition,
            var variants => VariantAsync(catalog.Workspace, featureName, variants),
        };
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<FeatureDefinition> GetAllFeatureDefinitionsAsync()
    {
        var catalog = Catalog();
        foreach (var name in catalog.Names)
        {
            yield return catalog.Get(name)!.Listed;
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    private async Task<FeatureDefinition> VariantAsync(Workspace workspace, string name, RototoFeature feature)
    {
        var context = await _contexts.GetContextAsync().ConfigureAwait(false);
        try
        {
            return await feature.For(workspace.ResolveVariable(name, context).ValueKey).ConfigureAwait(false);
        }
        catch (RototoException e)
        {
            _logger.LogWarning("feature {Feature} is disabled for this evaluation: its rototo variable does not resolve: {Error}", name, e.Message);
            return await feature.Unresolved.ConfigureAwait(false);
        }
    }

    /// <summary>The catalog of the current workspace version (rebuilt after a swap).</summary>
    private RototoFeatureCatalog Catalog()
    {
        var current = _workspace.Workspace.Current;
        var catalog = Volatile.Read(ref _catalog);
        if (catalog is null || !ReferenceEquals(catalog.Workspace, current))
        {
            catalog = new RototoFeatureCatalog(current, _options.Variables);
            Volatile.Write(ref _catalog, catalog);
        }
        return catalog;
    }
}
