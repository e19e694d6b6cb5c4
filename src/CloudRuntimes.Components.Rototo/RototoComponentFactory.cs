using CloudRuntimes.Components.Composition;
using CloudRuntimes.Configuration;
using Microsoft.Extensions.Logging;
using Rototo.Refresh;

namespace CloudRuntimes.Components.Rototo;

/// <summary>
/// Creates <c>configuration.rototo</c> components. Metadata: <c>source</c> (required: a rototo workspace source,
/// relative paths against the current directory), <c>refreshPeriodSeconds</c> (optional; default 30, 0 for no
/// background refresh), <c>defaultContext</c> (optional JSON object: the context every request's context is merged
/// over; without it, the workspace's <c>contexts/default.json</c> when present). The workspace is loaded and refreshed
/// by <see cref="RefreshingWorkspace"/> with rototo's default source limits
/// (<see cref="global::Rototo.Sources.WorkspaceSourceOptions"/>), exactly as the <c>rototo</c> command stages it;
/// refresh failures are logged as warnings with the source and the reason.
/// </summary>
public sealed class RototoComponentFactory : IComponentFactory<IConfigurationStore>
{
    /// <summary>The component type name.</summary>
    public const string ConfigurationType = "configuration.rototo";

    /// <inheritdoc />
    public string Type => ConfigurationType;

    /// <inheritdoc />
    public async ValueTask<IConfigurationStore> CreateAsync(ComponentDefinition definition, ComponentContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(context);
        var source = definition.Require("source");
        var seconds = definition.GetInt32("refreshPeriodSeconds", 30);
        if (seconds < 0)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"component '{definition.Name}' metadata 'refreshPeriodSeconds' must not be negative");
        }
        global::Rototo.ResolveContext? defaultContext;
        try
        {
            defaultContext = RototoConfigurationStore.ParseDefaultContext(definition.Get("defaultContext"), $"component '{definition.Name}' metadata 'defaultContext'");
        }
        catch (global::Rototo.RototoException e)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, e.Message, e);
        }
        // Refresh failures (bad TOML, lint errors, a source over the limits) are logged as warnings naming the source.
        var options = new RefreshOptions
        {
            Period = seconds == 0 ? null : TimeSpan.FromSeconds(seconds),
            Logger = context.LoggerFactory.CreateLogger<RototoConfigurationStore>(),
        };
        RefreshingWorkspace workspace;
        try
        {
            workspace = await RefreshingWorkspace.LoadAsync(source, options, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (global::Rototo.RototoException e)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"component '{definition.Name}' ({ConfigurationType}) cannot load workspace '{source}': {e.Message}", e);
        }
        return new RototoConfigurationStore(workspace, definition.Name, context.LoggerFactory.CreateLogger<RototoConfigurationStore>(), defaultContext);
    }
}

/// <summary>Registration of the rototo configuration store.</summary>
public static class RototoComponentsExtensions
{
    /// <summary>Registers the <c>configuration.rototo</c> component type.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static CloudRuntimesBuilder AddRototoComponents(this CloudRuntimesBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddFactory(new RototoComponentFactory());
    }
}
