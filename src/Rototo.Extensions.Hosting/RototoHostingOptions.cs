using Rototo.Refresh;
using Rototo.Sources;

namespace Rototo.Extensions.Hosting;

/// <summary>Options of <see cref="RototoServiceCollectionExtensions.AddRototo"/>.</summary>
public sealed class RototoHostingOptions
{
    /// <summary>The workspace source (any form of rototo.md §12); required.</summary>
    public string Source { get; set; } = "";

    /// <summary>How often the workspace refreshes; default 30 s; null for no background refresh.</summary>
    public TimeSpan? RefreshPeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>First wait added after a failed refresh (default 5 s, doubling per failure).</summary>
    public TimeSpan MinFailureBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait added after a failed refresh (default 300 s).</summary>
    public TimeSpan MaxFailureBackoff { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>Lint mode of every load; default <see cref="LintMode.Deny"/> (a workspace with lint errors is never served).</summary>
    public LintMode Lint { get; set; } = LintMode.Deny;

    /// <summary>How remote sources are fetched: limits, timeouts, bearer token, HTTP handler (§12.4).</summary>
    public WorkspaceSourceOptions Sources { get; set; } = WorkspaceSourceOptions.Default;

    internal RefreshOptions ToRefreshOptions(Microsoft.Extensions.Logging.ILogger logger) => new()
    {
        Period = RefreshPeriod,
        MinFailureBackoff = MinFailureBackoff,
        MaxFailureBackoff = MaxFailureBackoff,
        Logger = logger,
    };

    internal WorkspaceLoadOptions ToLoadOptions() => new() { Lint = Lint, Sources = Sources };
}
