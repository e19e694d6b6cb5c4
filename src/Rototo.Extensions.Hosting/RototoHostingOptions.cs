using Rototo.Refresh;
using Rototo.Sources;

namespace Rototo.Extensions.Hosting;

/// <summary>
/// Options of <see cref="RototoServiceCollectionExtensions.AddRototo(Microsoft.Extensions.DependencyInjection.IServiceCollection, Action{RototoHostingOptions})"/>,
/// set by a lambda or bound from a configuration section (keys as the property names, e.g. <c>Rototo:Source</c>,
/// <c>Rototo:RefreshPeriod</c> = <c>00:00:30</c>, <c>Rototo:Lint</c> = <c>Deny</c>, <c>Rototo:Sources:GitTimeout</c>).
/// Checked when the host starts (<see cref="RototoHostingOptionsValidator"/>).
/// </summary>
public sealed class RototoHostingOptions
{
    /// <summary>The workspace source (any form of rototo.md §12); required.</summary>
    public string Source { get; set; } = "";

    /// <summary>How often the workspace refreshes; default 30 s; null for no background refresh. In configuration a <see cref="TimeSpan"/> text, <c>hh:mm:ss</c>.</summary>
    public TimeSpan? RefreshPeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>First wait added after a failed refresh (default 5 s, doubling per failure).</summary>
    public TimeSpan MinFailureBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait added after a failed refresh (default 300 s).</summary>
    public TimeSpan MaxFailureBackoff { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>How old the last successful load may be before the health check reports the workspace degraded; null (the default) for never.</summary>
    public TimeSpan? MaxStaleness { get; set; }

    /// <summary>Lint mode of every load; default <see cref="LintMode.Deny"/> (a workspace with lint errors is never served).</summary>
    public LintMode Lint { get; set; } = LintMode.Deny;

    /// <summary>How remote sources are fetched: limits, timeouts, bearer token, HTTP handler (§12.4); rototo's defaults unless set.</summary>
    public WorkspaceSourceOptions Sources { get; set; } = new();

    internal RefreshOptions ToRefreshOptions(Microsoft.Extensions.Logging.ILogger logger) => new()
    {
        Period = RefreshPeriod,
        MinFailureBackoff = MinFailureBackoff,
        MaxFailureBackoff = MaxFailureBackoff,
        MaxStaleness = MaxStaleness,
        Logger = logger,
    };

    internal WorkspaceLoadOptions ToLoadOptions() => new() { Lint = Lint, Sources = Sources };
}
