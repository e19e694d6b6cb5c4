namespace CloudRuntimes.Jobs;

/// <summary>
/// Scheduled jobs (Dapr jobs API, <c>/v1.0-alpha1/jobs/{name}</c>). A job fires on a cron schedule (six fields
/// with seconds, or <c>@every 1m</c>, <c>@daily</c>, ...) and/or at a due time, up to <see cref="Job.Repeats"/>
/// times, until its TTL passes. Jobs are stored durably and fire to the handler given to <see cref="RunAsync"/>.
/// </summary>
public interface IJobScheduler
{
    /// <summary>Schedules (or, with <paramref name="overwrite"/>, replaces) a job.</summary>
    /// <param name="job">The job.</param>
    /// <param name="overwrite">Replace an existing job of the same name (default true, as Dapr's HTTP API).</param>
    /// <param name="maxJobs">
    /// The most jobs the scheduler may hold: a new job (not one replacing a job of its name) is refused when it holds that
    /// many already, checked in the same step as the write; null for no limit.
    /// </param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the job is stored.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.JobInvalid"/> for a job with neither schedule nor due time, an invalid schedule, or one job too many.</exception>
    Task ScheduleAsync(Job job, bool overwrite = true, int? maxJobs = null, CancellationToken cancellationToken = default);

    /// <summary>Reads a job.</summary>
    /// <param name="name">The job name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The job, or null when there is none.</returns>
    Task<Job?> GetAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Deletes a job.</summary>
    /// <param name="name">The job name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when a job was deleted.</returns>
    Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Fires due jobs to <paramref name="handler"/> until the returned handle is disposed.</summary>
    /// <param name="handler">Called once per firing.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    /// <returns>Dispose to stop firing.</returns>
    Task<IAsyncDisposable> RunAsync(JobTriggerHandler handler, CancellationToken cancellationToken = default);
}

/// <summary>A job definition (Dapr body <c>{"schedule", "dueTime", "repeats", "ttl", "data"}</c>).</summary>
/// <param name="Name">Unique job name.</param>
/// <param name="Schedule">Cron expression with seconds, or an <c>@every</c>/<c>@daily</c>-style period; null for a one-shot job.</param>
/// <param name="DueTime">First firing time; null to follow the schedule from now.</param>
/// <param name="Repeats">How many times to fire at most; null for unbounded.</param>
/// <param name="Ttl">When the job expires; null for never.</param>
/// <param name="Data">Payload passed to the handler.</param>
public sealed record Job(string Name, string? Schedule, DateTimeOffset? DueTime, int? Repeats, DateTimeOffset? Ttl, ReadOnlyMemory<byte> Data);

/// <summary>Receives a job firing.</summary>
/// <param name="job">The job that fired.</param>
/// <param name="cancellationToken">Signalled when the scheduler stops.</param>
/// <returns>A task that completes when handled.</returns>
public delegate Task JobTriggerHandler(Job job, CancellationToken cancellationToken);
