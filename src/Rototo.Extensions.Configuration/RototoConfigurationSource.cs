using Microsoft.Extensions.Configuration;
using Rototo.Refresh;

namespace Rototo.Extensions.Configuration;

/// <summary>
/// A configuration source over a refreshing rototo workspace: every variable (or those of
/// <see cref="RototoConfigurationOptions.Variables"/>) resolved with one context fixed for the process.
/// </summary>
public sealed class RototoConfigurationSource : IConfigurationSource
{
    /// <summary>Creates the source.</summary>
    /// <param name="workspace">The workspace.</param>
    /// <param name="context">The context every variable is resolved with (the process's own facts: region, environment, version).</param>
    /// <param name="options">Key prefix, variable selection, logging.</param>
    /// <param name="ownsWorkspace">True when disposing the provider shuts the workspace down.</param>
    public RototoConfigurationSource(RefreshingWorkspace workspace, ResolveContext context, RototoConfigurationOptions options, bool ownsWorkspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        Workspace = workspace;
        Context = context;
        Options = options;
        OwnsWorkspace = ownsWorkspace;
    }

    /// <summary>The workspace.</summary>
    public RefreshingWorkspace Workspace { get; }

    /// <summary>The context every variable is resolved with.</summary>
    public ResolveContext Context { get; }

    /// <summary>Key prefix, variable selection, logging.</summary>
    public RototoConfigurationOptions Options { get; }

    /// <summary>True when disposing the provider shuts the workspace down.</summary>
    public bool OwnsWorkspace { get; }

    /// <inheritdoc />
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new RototoConfigurationProvider(this);
}
