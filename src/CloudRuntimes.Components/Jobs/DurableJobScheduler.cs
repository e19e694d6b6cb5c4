using CloudRuntimes.Components.Composition;
using CloudRuntimes.Jobs;
using Microsoft.Extensions.Logging;

namespace CloudRuntimes.Components.Jobs;

/// <summary>
/// The jobs building block over a durable job table, written once for every back end that keeps jobs in a database
/// (<c>jobs.sqlite</c>, <c>jobs.postgresql</c>): job validation, the runner loop and firing leases. A runner claims a due
/// firing by writing a lease on its row (holder: <see cref="ProcessIdentity.Current"/>, until: now + the firing lease)
/// before calling the handler, and moves the job to its next due time (or removes it) only once the handler has
/// returned. So with every runner of a deployment sharing the table, each due time fires once (Dapr's scheduler
/// guarantee), and a runner that dies mid-delivery does not lose the firing: another runner fires it again when the
/// lease ends, or at once when the holder was a process of its own machine that is gone. A handler that fails is
/// logged and the firing counts as done, as before; a runner that stops mid-delivery hands the firing back at once.
/// </summary>
public abstract class DurableJobScheduler : IJobScheduler, IAsyncDisposable
{
    /// <summary>How long a claimed firing stays leased to its runner by default: 60 s.</summary>
    public static readonly TimeSpan DefaultFiringLease = TimeSpan.FromSeconds(60);

    /// <summary>The most firings claimed at once.</summary>
    protected const int ClaimBatch = 100;

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);
    private readonly BackgroundLoopSet _runs = new();
    private readonly ILogger _logger;
    private readonly TimeSpan _firingLease;

    /// <summary>Creates the building block.</summary>
    /// <param name="componentName">Component name, for messages, logs and telemetry.</param>
    /// <param name="logger">Logger of handler and back-end failures.</param>
    /// <param name="firingLease">How long a claimed firing is leased to its runner (see <see cref="DefaultFiringLease"/>).</param>
    protected DurableJobScheduler(string componentName, ILogger logger, TimeSpan firingLease)
    {
        ComponentName = componentName;
        _logger = logger;
        _firingLease = firingLease;
    }

    /// <summary>Component name.</summary>
    protected string ComponentName { get; }

    /// <inheritdoc />
    public Task ScheduleAsync(Job job, bool overwrite = true, int? maxJobs = null, CancellationToken cancellationToken = default) =>
        ComponentTelemetry.TraceAsync("jobs", "schedule", ComponentName, async () =>
        {
            var first = FirstDue(job);
            switch (await StoreAsync(job, first, overwrite, maxJobs, cancellationToken).ConfigureAwait(false))
            {
                case JobStoreOutcome.Exists:
                    throw Invalid($"job {job.Name} already exists and overwrite is false");
                case JobStoreOutcome.Full:
                    throw Invalid($"job {job.Name} is refused: the scheduler holds {maxJobs:N0} jobs, the most allowed; delete one first");
            }
        });

    /// <inheritdoc />
    public Task<Job?> GetAsync(string name, CancellationToken cancellationToken = default) =>
        ComponentTelemetry.TraceAsync("jobs", "get", ComponentName, () => LoadAsync(name, cancellationToken));

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default) =>
        ComponentTelemetry.TraceAsync("jobs", "delete", ComponentName, () => RemoveAsync(name, cancellationToken));

    /// <inheritdoc />
    public Task<IAsyncDisposable> RunAsync(JobTriggerHandler handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Task.FromResult<IAsyncDisposable>(_runs.Start(token => LoopAsync(handler, token)));
    }

    /// <summary>Stops every runner; subclasses release their back end after calling this.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public virtual async ValueTask DisposeAsync()
    {
        await _runs.DisposeAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Stores a job with its first due time, replacing a job of the same name (and its lease) when <paramref name="overwrite"/>,
    /// unless it is a new job and the table holds <paramref name="maxJobs"/> jobs already (counted in the same step).
    /// </summary>
    /// <param name="job">The validated job.</param>
    /// <param name="firstDue">When it fires first.</param>
    /// <param name="overwrite">Whether an existing job of that name is replaced.</param>
    /// <param name="maxJobs">The most jobs the table may hold; null for no limit.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What happened; nothing changed unless <see cref="JobStoreOutcome.Stored"/>.</returns>
    protected abstract Task<JobStoreOutcome> StoreAsync(Job job, DateTimeOffset firstDue, bool overwrite, int? maxJobs, CancellationToken cancellationToken);

    /// <summary>Reads a job.</summary>
    /// <param name="name">The job name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The job, or null.</returns>
    protected abstract Task<Job?> LoadAsync(string name, CancellationToken cancellationToken);

    /// <summary>Removes a job.</summary>
    /// <param name="name">The job name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when a job was removed.</returns>
    protected abstract Task<bool> RemoveAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically claims up to <see cref="JobClaim.MaxCount"/> firings, oldest due first: jobs due at or before
    /// <see cref="JobClaim.Now"/> whose lease is over (<see cref="LeaseIsOver"/>), leasing each to
    /// <see cref="JobClaim.Holder"/> until <see cref="JobClaim.LeaseUntil"/> without moving its due time.
    /// </summary>
    /// <param name="claim">Who claims, when, and for how long.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The claimed firings.</returns>
    protected abstract Task<IReadOnlyList<JobFiring>> ClaimDueAsync(JobClaim claim, CancellationToken cancellationToken);

    /// <summary>
    /// Ends a firing and its lease, when the job is still leased to <paramref name="holder"/> for <see cref="JobFiring.DueAt"/>
    /// (a job replaced or deleted meanwhile is left alone): the job's next due time becomes <paramref name="nextDue"/> with
    /// <paramref name="fired"/> firings counted, or the job is removed when <paramref name="nextDue"/> is null.
    /// </summary>
    /// <param name="firing">The claimed firing.</param>
    /// <param name="holder">Who claimed it.</param>
    /// <param name="nextDue">The next due time; null to remove the job.</param>
    /// <param name="fired">Firings counted so far.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when stored.</returns>
    protected abstract Task CompleteAsync(JobFiring firing, string holder, DateTimeOffset? nextDue, int fired, CancellationToken cancellationToken);

    /// <summary>True when a firing lease no longer holds: none was taken, it ran out, or its holder is a gone process of this machine.</summary>
    /// <param name="holder">The lease holder, or null.</param>
    /// <param name="until">When the lease ends, or null.</param>
    /// <param name="now">The current time.</param>
    /// <returns>Whether the firing may be claimed.</returns>
    protected static bool LeaseIsOver(string? holder, DateTimeOffset? until, DateTimeOffset now) =>
        holder is null || until is null || until <= now || ProcessIdentity.IsGone(holder);

    /// <summary>How every holder on this machine starts (<c>host/</c>): only such a holder's live lease can be over early (its process gone).</summary>
    protected static string LocalHolderPrefix { get; } = Environment.MachineName + "/";

    /// <summary>The error of an invalid job: <see cref="CloudRuntimesErrors.JobInvalid"/> naming the component.</summary>
    /// <param name="message">What is wrong.</param>
    /// <returns>The exception.</returns>
    protected CloudRuntimesException Invalid(string message) => new(CloudRuntimesErrors.JobInvalid, $"jobs {ComponentName}: {message}");

    private DateTimeOffset FirstDue(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (string.IsNullOrEmpty(job.Name))
        {
            throw Invalid("a job needs a name");
        }
        JobSchedule? schedule = null;
        if (job.Schedule is not null)
        {
            try
            {
                schedule = JobSchedule.Parse(job.Schedule);
            }
            catch (FormatException e)
            {
                throw Invalid($"job {job.Name}: schedule {e.Message}");
            }
        }
        if (job.Repeats is <= 0)
        {
            throw Invalid($"job {job.Name}: repeats must be positive, got {job.Repeats}");
        }
        return job.DueTime ?? schedule?.NextAfter(DateTimeOffset.UtcNow) ?? throw Invalid($"job {job.Name} has neither a schedule nor a due time");
    }

    private async Task LoopAsync(JobTriggerHandler handler, CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            IReadOnlyList<JobFiring> claimed;
            var now = DateTimeOffset.UtcNow;
            try
            {
                claimed = await ClaimDueAsync(new JobClaim(ProcessIdentity.Current, now, now + _firingLease, ClaimBatch), token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "jobs {Component}: claiming due jobs failed; retrying", ComponentName);
                claimed = [];
            }
            for (var i = 0; i < claimed.Count; i++)
            {
                if (!await FireAsync(claimed[i], handler, token).ConfigureAwait(false))
                {
                    // Stopping: the firings claimed but not delivered go back at once.
                    foreach (var rest in claimed.Skip(i))
                    {
                        await EndAsync(rest, rest.DueAt, rest.Fired).ConfigureAwait(false);
                    }
                    return;
                }
            }
            if (claimed.Count < ClaimBatch)
            {
                try
                {
                    await Task.Delay(Poll, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Delivers one firing and ends it; false when the runner is stopping and the firing was not delivered.</summary>
    private async Task<bool> FireAsync(JobFiring firing, JobTriggerHandler handler, CancellationToken token)
    {
        var job = firing.Job;
        var now = DateTimeOffset.UtcNow;
        if (job.Ttl is { } ttl && ttl <= now)
        {
            await EndAsync(firing, null, firing.Fired).ConfigureAwait(false);
            return true;
        }
        if (token.IsCancellationRequested)
        {
            return false;
        }
        try
        {
            await handler(job, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "jobs {Component}: handler for job {Job} failed", ComponentName, job.Name);
        }
        var fired = firing.Fired + 1;
        var following = job.Schedule is null || (job.Repeats is { } repeats && fired >= repeats)
            ? null
            : JobSchedule.Parse(job.Schedule).NextAfter(firing.DueAt > now ? firing.DueAt : now);
        await EndAsync(firing, following is { } next && (job.Ttl is null || next < job.Ttl) ? next : null, fired).ConfigureAwait(false);
        return true;
    }

    /// <summary>Ends a firing's lease; a failure is logged (the lease then runs out and the firing is claimed again).</summary>
    private async Task EndAsync(JobFiring firing, DateTimeOffset? next, int fired)
    {
        try
        {
            await CompleteAsync(firing, ProcessIdentity.Current, next, fired, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "jobs {Component}: recording the firing of job {Job} failed; it fires again when its lease ends", ComponentName, firing.Job.Name);
        }
    }
}

/// <summary>What storing a job did.</summary>
public enum JobStoreOutcome
{
    /// <summary>The job is stored (new, or replacing one of its name).</summary>
    Stored,

    /// <summary>A job of that name exists and overwrite was false: nothing changed.</summary>
    Exists,

    /// <summary>The job is new and the table holds the most jobs allowed: nothing changed.</summary>
    Full,
}

/// <summary>A firing claimed by a runner.</summary>
/// <param name="Job">The job.</param>
/// <param name="DueAt">The due time being fired (the job's stored next due time).</param>
/// <param name="Fired">Firings of the job counted before this one.</param>
public sealed record JobFiring(Job Job, DateTimeOffset DueAt, int Fired);

/// <summary>A runner's claim of due firings.</summary>
/// <param name="Holder">Who claims (<see cref="ProcessIdentity.Current"/>).</param>
/// <param name="Now">Firings due at or before this time are claimed.</param>
/// <param name="LeaseUntil">When the lease of the claimed firings ends.</param>
/// <param name="MaxCount">The most firings to claim.</param>
public sealed record JobClaim(string Holder, DateTimeOffset Now, DateTimeOffset LeaseUntil, int MaxCount);
