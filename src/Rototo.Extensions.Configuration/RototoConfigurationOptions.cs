using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Rototo.Sources;

namespace Rototo.Extensions.Configuration;

/// <summary>Options of the rototo configuration provider (<see cref="RototoConfigurationExtensions"/>).</summary>
public sealed class RototoConfigurationOptions
{
    /// <summary>The section the variables appear under: <c>{KeyPrefix}:{variable id}</c>; default <c>Rototo</c>. Empty for the root.</summary>
    public string KeyPrefix { get; set; } = "Rototo";

    /// <summary>The variables to expose; null (the default) for every variable of the workspace.</summary>
    public IReadOnlyCollection<string>? Variables { get; set; }

    /// <summary>
    /// How often a workspace that <see cref="RototoConfigurationExtensions.AddRototoAsync"/> loads refreshes; default 30 s;
    /// null for never. Not used when the application passes a workspace it loaded.
    /// </summary>
    public TimeSpan? RefreshPeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How a workspace that <see cref="RototoConfigurationExtensions.AddRototoAsync"/> loads is fetched (§12.4); rototo's defaults unless set.</summary>
    public WorkspaceSourceOptions Sources { get; set; } = new();

    /// <summary>
    /// Receives the failures that keep the last good values (a refreshed workspace whose variables no longer resolve with
    /// the context) as warnings, and the workspace's own refresh logs when <see cref="RototoConfigurationExtensions.AddRototoAsync"/>
    /// loads it; default none.
    /// </summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;
}
