using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Rototo.Sources;

namespace Rototo.Refresh;

/// <summary>Options of a <see cref="RefreshingWorkspace"/> (§14.1 <c>RefreshOptions</c>).</summary>
public sealed record RefreshOptions
{
    /// <summary>How often the background loop refreshes; null (the default) for no background loop (refresh with <see cref="RefreshingWorkspace.RefreshNowAsync"/>).</summary>
    public TimeSpan? Period { get; init; }

    /// <summary>First wait added after a failed refresh (default 5 s); doubles per consecutive failure.</summary>
    public TimeSpan MinFailureBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait added after a failed refresh (default 300 s).</summary>
    public TimeSpan MaxFailureBackoff { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>How old the last success may be before <see cref="RefreshStatus.IsStale"/> says so; null for never.</summary>
    public TimeSpan? MaxStaleness { get; init; }

    /// <summary>Receives refresh failures (warning), refreshes (information) and pinned sources with a period (warning); default none.</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Logger);
        if (Period is { } period && period <= TimeSpan.Zero)
        {
            throw new ArgumentException("refresh period must be a positive duration", nameof(Period));
        }
        if (MinFailureBackoff < TimeSpan.Zero || MaxFailureBackoff < MinFailureBackoff)
        {
            throw new ArgumentException("failure backoff must satisfy 0 <= min <= max", nameof(MinFailureBackoff));
        }
    }

    /// <summary>The wait after the n-th consecutive failure: min × 2^(n−1), at most max (§14.2).</summary>
    internal TimeSpan Backoff(long failures)
    {
        var exponent = (int)Math.Min(Math.Max(failures - 1, 0), 20);
        var ticks = Math.Min(MinFailureBackoff.Ticks * (1L << exponent), MaxFailureBackoff.Ticks);
        return TimeSpan.FromTicks(ticks);
    }
}

/// <summary>What a refresh did (§14.1 <c>RefreshOutcome</c>).</summary>
public enum RefreshOutcome
{
    /// <summary>The source did not change; the current workspace stays.</summary>
    Unchanged,

    /// <summary>A new workspace was loaded and is now current.</summary>
    Refreshed,

    /// <summary>The source is pinned (a 40-hex git commit) and can never change.</summary>
    Immutable,
}

/// <summary>Where a <see cref="RefreshingWorkspace"/> stands (§14.1 <c>RefreshStatus</c>).</summary>
/// <param name="CurrentFingerprint">Fingerprint of the current workspace's source (null when any layer is a local path).</param>
/// <param name="LastSuccess">When the current workspace was loaded.</param>
/// <param name="LastAttempt">When a refresh was last attempted; null before the first.</param>
/// <param name="ConsecutiveFailures">Failed refreshes since the last success.</param>
/// <param name="LastError">The last failure's message, until a refresh succeeds.</param>
/// <param name="Refreshing">True while a refresh runs.</param>
/// <param name="Immutable">True when the source can never change.</param>
public sealed record RefreshStatus(
    SourceFingerprint? CurrentFingerprint,
    DateTimeOffset? LastSuccess,
    DateTimeOffset? LastAttempt,
    long ConsecutiveFailures,
    string? LastError,
    bool Refreshing,
    bool Immutable)
{
    /// <summary>True when the last success is older than <paramref name="maxStaleness"/>.</summary>
    /// <param name="maxStaleness">Allowed age.</param>
    /// <returns>Whether the workspace is stale.</returns>
    public bool IsStale(TimeSpan maxStaleness) => LastSuccess is not { } success || DateTimeOffset.UtcNow - success > maxStaleness;
}

/// <summary>Raised after a refresh made a new workspace current.</summary>
/// <param name="previous">The workspace that was current before.</param>
/// <param name="current">The new current workspace.</param>
public sealed class WorkspaceChangedEventArgs(Workspace previous, Workspace current) : EventArgs
{
    /// <summary>The workspace that was current before.</summary>
    public Workspace Previous { get; } = previous;

    /// <summary>The new current workspace.</summary>
    public Workspace Current { get; } = current;
}
