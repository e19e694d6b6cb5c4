using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Rototo.Sources;

namespace Rototo.Refresh;

/// <summary>
/// A workspace that picks up reviewed changes without a restart (§14.2). Resolutions always use the last
/// successfully loaded workspace (a lock-free snapshot read); a refresh that fails (bad TOML, lint errors, a
/// source that went away, an archive over the limits, an HTTP error) leaves the current workspace in place and is
/// reported by <see cref="GetStatus"/>. Every source form of §12 works, with layering (§13). A refresh first probes
/// the source cheaply (git <c>ls-remote</c>, HTTP <c>HEAD</c> validators) and loads only when it changed or cannot
/// be checked; local sources are loaded from a private snapshot copy, so edits in progress never leak into a load.
/// </summary>
public sealed class RefreshingWorkspace : IAsyncDisposable
{
    private const string ShutDownMessage = "refreshing workspace has been shut down";

    private readonly WorkspaceLoadOptions _loadOptions;
    private readonly RefreshOptions _refreshOptions;
    private readonly SemaphoreSlim _refreshLock = new(1, 1);
    private readonly CancellationTokenSource _shutdown = new();
    private Workspace _current;
    private RefreshStatus _status;
    private Task _loop = Task.CompletedTask;
    private int _shutDown;

    private RefreshingWorkspace(string source, WorkspaceLoadOptions loadOptions, RefreshOptions refreshOptions, Workspace initial)
    {
        Source = source;
        _loadOptions = loadOptions;
        _refreshOptions = refreshOptions;
        _current = initial;
        _status = new RefreshStatus(initial.Source.Fingerprint, DateTimeOffset.UtcNow, null, 0, null, false, initial.Source.Immutable);
    }

    /// <summary>Raised after a refresh made a new workspace current (on the refreshing thread).</summary>
    public event EventHandler<WorkspaceChangedEventArgs>? Changed;

    /// <summary>The current workspace.</summary>
    /// <exception cref="RototoException">After shutdown: <c>refreshing workspace has been shut down</c>.</exception>
    public Workspace Current
    {
        get
        {
            ThrowIfShutDown();
            return Volatile.Read(ref _current);
        }
    }

    /// <summary>The refresh options in force.</summary>
    public RefreshOptions Options => _refreshOptions;

    /// <summary>The source string this workspace loads (§12.1).</summary>
    public string Source { get; }

    /// <summary>Loads the workspace and, when <see cref="RefreshOptions.Period"/> is set and the source can change, starts the refresh loop.</summary>
    /// <param name="source">A workspace source (§12).</param>
    /// <param name="refreshOptions">Refresh options; null for defaults (no background loop).</param>
    /// <param name="loadOptions">Load options; null for defaults (lint deny).</param>
    /// <param name="cancellationToken">Cancels the initial load.</param>
    /// <returns>The refreshing workspace.</returns>
    /// <exception cref="RototoException">The initial load failed.</exception>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    public static async Task<RefreshingWorkspace> LoadAsync(string source, RefreshOptions? refreshOptions = null, WorkspaceLoadOptions? loadOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        refreshOptions ??= new RefreshOptions();
        refreshOptions.Validate();
        loadOptions ??= new WorkspaceLoadOptions();
        loadOptions.Validate();
        var initial = await LoadSnapshotAsync(source, loadOptions, cancellationToken).ConfigureAwait(false);
        var workspace = new RefreshingWorkspace(source, loadOptions, refreshOptions, initial);
        if (refreshOptions.Period is not null && initial.Source.Immutable)
        {
            refreshOptions.Logger.LogWarning("rototo workspace {Source} is pinned to an immutable commit; the refresh period is ignored", source);
        }
        else if (refreshOptions.Period is not null)
        {
            workspace._loop = Task.Run(workspace.RunLoopAsync, CancellationToken.None);
        }
        return workspace;
    }

    /// <summary>A copy of the refresh status.</summary>
    /// <returns>The status.</returns>
    public RefreshStatus GetStatus() => Volatile.Read(ref _status);

    /// <summary>Refreshes now (serialized with the background loop): reload, lint, compile, and swap on success.</summary>
    /// <param name="cancellationToken">Cancels waiting for a running refresh.</param>
    /// <returns>What happened.</returns>
    /// <exception cref="RototoException">The refresh failed (the previous workspace stays current), or after shutdown.</exception>
    public async Task<RefreshOutcome> RefreshNowAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfShutDown();
        await _refreshLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await RefreshOnceAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _refreshLock.Release();
        }
    }

    /// <summary>Resolves a variable against the current workspace (synchronous, allocation-free with a validated context).</summary>
    /// <param name="id">Variable id.</param>
    /// <param name="context">The context.</param>
    /// <param name="validateContext">Validate against the context schema first.</param>
    /// <returns>The resolution.</returns>
    /// <exception cref="RototoException">As <see cref="Workspace.ResolveVariable"/>, or after shutdown.</exception>
    public VariableResolution ResolveVariable(string id, ResolveContext context, bool validateContext = true) =>
        Current.ResolveVariable(id, context, validateContext);

    /// <summary>Resolves a qualifier against the current workspace.</summary>
    /// <param name="id">Qualifier id.</param>
    /// <param name="context">The context.</param>
    /// <param name="validateContext">Validate against the context schema first.</param>
    /// <returns>The resolution.</returns>
    /// <exception cref="RototoException">As <see cref="Workspace.ResolveQualifier"/>, or after shutdown.</exception>
    public QualifierResolution ResolveQualifier(string id, ResolveContext context, bool validateContext = true) =>
        Current.ResolveQualifier(id, context, validateContext);

    /// <summary>Resolves a variable against the current workspace.</summary>
    /// <param name="id">Variable id.</param>
    /// <param name="context">The context object.</param>
    /// <param name="validateContext">Validate against the context schema first.</param>
    /// <param name="cancellationToken">Unused: resolution is in memory.</param>
    /// <returns>The resolution.</returns>
    /// <exception cref="RototoException">As <see cref="Workspace.ResolveVariable"/>, or after shutdown.</exception>
    public Task<VariableResolution> ResolveVariableAsync(string id, JsonObject context, bool validateContext = true, CancellationToken cancellationToken = default) =>
        Current.ResolveVariableAsync(id, context, validateContext, cancellationToken);

    /// <summary>Resolves a qualifier against the current workspace.</summary>
    /// <param name="id">Qualifier id.</param>
    /// <param name="context">The context object.</param>
    /// <param name="validateContext">Validate against the context schema first.</param>
    /// <param name="cancellationToken">Unused: resolution is in memory.</param>
    /// <returns>The resolution.</returns>
    /// <exception cref="RototoException">As <see cref="Workspace.ResolveQualifier"/>, or after shutdown.</exception>
    public Task<QualifierResolution> ResolveQualifierAsync(string id, JsonObject context, bool validateContext = true, CancellationToken cancellationToken = default) =>
        Current.ResolveQualifierAsync(id, context, validateContext, cancellationToken);

    /// <summary>Stops the refresh loop and waits for it; further calls fail with <c>refreshing workspace has been shut down</c>.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async Task ShutdownAsync()
    {
        if (Interlocked.Exchange(ref _shutDown, 1) == 1)
        {
            return;
        }
        await _shutdown.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        await _refreshLock.WaitAsync().ConfigureAwait(false);
        try
        {
            _current.Source.Release();
        }
        finally
        {
            _refreshLock.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await ShutdownAsync().ConfigureAwait(false);
        _shutdown.Dispose();
        _refreshLock.Dispose();
    }

    private async Task RunLoopAsync()
    {
        var token = _shutdown.Token;
        var period = _refreshOptions.Period!.Value;
        while (!token.IsCancellationRequested)
        {
            await Task.Delay(period, token).ConfigureAwait(false);
            var failed = false;
            await _refreshLock.WaitAsync(token).ConfigureAwait(false);
            try
            {
                await RefreshOnceAsync(token).ConfigureAwait(false);
            }
            catch (RototoException)
            {
                failed = true; // recorded in the status and logged
            }
            finally
            {
                _refreshLock.Release();
            }
            if (failed)
            {
                // After a failure the next attempt comes backoff + period later (§14.2).
                await Task.Delay(_refreshOptions.Backoff(GetStatus().ConsecutiveFailures), token).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One refresh (§14.2 refresh_once): probe, then load and swap when the source changed or cannot be checked.</summary>
    private async Task<RefreshOutcome> RefreshOnceAsync(CancellationToken cancellationToken)
    {
        using var activity = RototoTelemetry.ActivitySource.StartActivity("rototo.workspace.refresh");
        activity?.SetTag(RototoTelemetry.SourceTag, Source);
        Update(s => s with { LastAttempt = DateTimeOffset.UtcNow, Refreshing = true });
        var previous = Volatile.Read(ref _current);
        try
        {
            var probe = previous.Source.Immutable
                ? SourceProbe.Pinned(previous.Source.Fingerprint!)
                : await WorkspaceSources.ProbeAsync(previous.Source, _loadOptions.Sources, cancellationToken).ConfigureAwait(false);
            switch (probe.Kind)
            {
                case SourceProbeKind.Unchanged:
                    Update(s => s with { Refreshing = false });
                    return Outcome(RefreshOutcome.Unchanged, activity, Source);
                case SourceProbeKind.ImmutablePinned:
                    Update(s => s with { Refreshing = false, Immutable = true, CurrentFingerprint = probe.Fingerprint });
                    return Outcome(RefreshOutcome.Immutable, activity, Source);
            }
            var next = await LoadSnapshotAsync(Source, _loadOptions, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _current, next);
            Update(s => s with
            {
                CurrentFingerprint = next.Source.Fingerprint,
                LastSuccess = DateTimeOffset.UtcNow,
                ConsecutiveFailures = 0,
                LastError = null,
                Refreshing = false,
                Immutable = next.Source.Immutable,
            });
            previous.Source.Release();
            _refreshOptions.Logger.LogInformation("rototo workspace {Source} refreshed (fingerprint {Fingerprint})", Source, next.Source.Fingerprint);
            RaiseChanged(previous, next);
            return Outcome(RefreshOutcome.Refreshed, activity, Source);
        }
#pragma warning disable CA1031 // Any failure of a refresh (a bug included) is recorded and logged; the last good workspace stays.
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            var status = Update(s => s with { Refreshing = false, ConsecutiveFailures = s.ConsecutiveFailures + 1, LastError = e.Message });
            RototoTelemetry.RefreshOutcomes.Add(1, new KeyValuePair<string, object?>("outcome", "failed"), new KeyValuePair<string, object?>(RototoTelemetry.SourceTag, Source));
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            _refreshOptions.Logger.LogWarning("rototo workspace {Source} refresh failed ({Failures} in a row); still serving the last good workspace: {Error}", Source, status.ConsecutiveFailures, e.Message);
            throw e as RototoException ?? new RototoException(RototoErrorCode.Source, e.Message, e);
        }
        catch (OperationCanceledException)
        {
            Update(s => s with { Refreshing = false });
            throw;
        }
    }

    private static RefreshOutcome Outcome(RefreshOutcome outcome, Activity? activity, string source)
    {
        var name = outcome.ToString().ToLowerInvariant();
        RototoTelemetry.RefreshOutcomes.Add(1, new KeyValuePair<string, object?>("outcome", name), new KeyValuePair<string, object?>(RototoTelemetry.SourceTag, source));
        activity?.SetTag("rototo.refresh.outcome", name);
        return outcome;
    }

    private void RaiseChanged(Workspace previous, Workspace next)
    {
        try
        {
            Changed?.Invoke(this, new WorkspaceChangedEventArgs(previous, next));
        }
#pragma warning disable CA1031 // A failing subscriber must not turn a successful refresh into a failure.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _refreshOptions.Logger.LogError(e, "a Changed handler of rototo workspace {Source} failed", Source);
        }
    }

    private RefreshStatus Update(Func<RefreshStatus, RefreshStatus> change)
    {
        RefreshStatus current, updated;
        do
        {
            current = Volatile.Read(ref _status);
            updated = change(current);
        }
        while (Interlocked.CompareExchange(ref _status, updated, current) != current);
        return updated;
    }

    private void ThrowIfShutDown()
    {
        if (Volatile.Read(ref _shutDown) == 1)
        {
            throw new RototoException(RototoErrorCode.NoRuntime, ShutDownMessage);
        }
    }

    /// <summary>Stages the source with local layers snapshotted (§12.5), then lints and compiles it.</summary>
    private static async Task<Workspace> LoadSnapshotAsync(string source, WorkspaceLoadOptions options, CancellationToken cancellationToken)
    {
        using var activity = RototoTelemetry.ActivitySource.StartActivity("rototo.workspace.load");
        activity?.SetTag(RototoTelemetry.SourceTag, source);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var staged = await WorkspaceSources.StageSnapshotAsync(source, options.Sources, cancellationToken).ConfigureAwait(false);
            var workspace = Workspace.LoadStaged(staged, options.Lint);
            RototoTelemetry.Loads.Add(1, new KeyValuePair<string, object?>("outcome", "success"), new KeyValuePair<string, object?>(RototoTelemetry.SourceTag, source));
            return workspace;
        }
        catch (Exception e) when (e is RototoException or IOException or UnauthorizedAccessException)
        {
            RototoTelemetry.Loads.Add(1, new KeyValuePair<string, object?>("outcome", "failure"), new KeyValuePair<string, object?>(RototoTelemetry.SourceTag, source));
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
        finally
        {
            RototoTelemetry.LoadDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }
}
