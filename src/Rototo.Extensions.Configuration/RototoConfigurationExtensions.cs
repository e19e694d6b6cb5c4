using Microsoft.Extensions.Configuration;
using Rototo.Refresh;

namespace Rototo.Extensions.Configuration;

/// <summary><c>builder.Configuration.AddRototo(...)</c>: a rototo workspace as a configuration source.</summary>
public static class RototoConfigurationExtensions
{
    /// <summary>
    /// Adds the variables of a workspace the application loaded (and owns), resolved with <paramref name="context"/>, as
    /// configuration keys <c>Rototo:{variable id}</c> that reload when the workspace refreshes (see <see cref="RototoConfigurationProvider"/>).
    /// Share the workspace with the feature-flag bridge and the health check through <c>services.AddRototo(workspace)</c>.
    /// </summary>
    /// <param name="builder">The configuration builder (<c>builder.Configuration</c>).</param>
    /// <param name="workspace">The loaded workspace.</param>
    /// <param name="context">The process's context, e.g. <c>ResolveContext.FromJson("""{"request":{"country":"DE"}}""")</c>.</param>
    /// <param name="configure">Key prefix, variable selection, logging; null for defaults.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="RototoException">When the builder loads at once (<c>ConfigurationManager</c>): a variable cannot be resolved with the context (the message names it).</exception>
    public static IConfigurationBuilder AddRototo(this IConfigurationBuilder builder, RefreshingWorkspace workspace, ResolveContext context, Action<RototoConfigurationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new RototoConfigurationOptions();
        configure?.Invoke(options);
        return builder.Add(new RototoConfigurationSource(workspace, context, options, ownsWorkspace: false));
    }

    /// <summary>
    /// Loads a workspace source (§12) as a refreshing workspace (every <see cref="RototoConfigurationOptions.RefreshPeriod"/>)
    /// and adds its variables, resolved with <paramref name="context"/>, as configuration keys <c>Rototo:{variable id}</c>.
    /// The provider owns the workspace: disposing the configuration (the host does, when it is disposed) shuts it down.
    /// </summary>
    /// <param name="builder">The configuration builder (<c>builder.Configuration</c>).</param>
    /// <param name="source">The workspace source: a folder, <c>file://</c>, <c>git+https://...#ref:subdir</c>, an <c>https://</c> archive.</param>
    /// <param name="context">The process's context.</param>
    /// <param name="configure">Refresh period, source limits, key prefix, variable selection, logging; null for defaults.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>The loaded workspace (to share with <c>services.AddRototo(workspace)</c>; do not dispose it yourself).</returns>
    /// <exception cref="RototoException">The workspace does not load (source, manifest, lint), or a variable cannot be resolved with the context.</exception>
    /// <exception cref="ArgumentException">An option is invalid (e.g. a refresh period that is not positive).</exception>
    public static async Task<RefreshingWorkspace> AddRototoAsync(this IConfigurationBuilder builder, string source, ResolveContext context, Action<RototoConfigurationOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(context);
        var options = new RototoConfigurationOptions();
        configure?.Invoke(options);
        var refresh = new RefreshOptions { Period = options.RefreshPeriod, Logger = options.Logger };
        var workspace = await RefreshingWorkspace.LoadAsync(source, refresh, new WorkspaceLoadOptions { Sources = options.Sources }, cancellationToken).ConfigureAwait(false);
        try
        {
            builder.Add(new RototoConfigurationSource(workspace, context, options, ownsWorkspace: true));
        }
        catch
        {
            await workspace.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return workspace;
    }
}
