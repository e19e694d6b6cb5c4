using CloudRuntimes.Components.Composition;
using CloudRuntimes.Components.Jobs;
using CloudRuntimes.Jobs;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace CloudRuntimes.Components.Sqlite;

/// <summary>
/// <c>jobs.sqlite</c>: jobs stored in a SQLite table with their next firing time. A runner claims due jobs in a
/// transaction (advancing or removing them) before calling the handler, so with several runners or processes on
/// one file each firing goes to exactly one of them. Jobs survive restarts; a firing missed while nothing ran
/// happens once when a runner starts.
/// </summary>
internal sealed class SqliteJobScheduler : IJobScheduler, IAsyncDisposable
{
    private static readonly TimeSpan MaxPoll = TimeSpan.FromMilliseconds(250);
    private readonly SqliteSession _session;
    private readonly BackgroundLoopSet _runs = new();
    private readonly string _componentName;
    private readonly ILogger _logger;

    public SqliteJobScheduler(SqliteSession session, string componentName, ILogger logger)
    {
        _session = session;
        _componentName = componentName;
        _logger = logger;
        _session.Execute("CREATE TABLE IF NOT EXISTS jobs (name TEXT NOT NULL PRIMARY KEY, schedule TEXT NULL, due_time INTEGER NULL, repeats INTEGER NULL, ttl INTEGER NULL, data BLOB NOT NULL, next_fire INTEGER NOT NULL, fired INTEGER NOT NULL DEFAULT 0)");
    }

    /// <inheritdoc />
    public Task ScheduleAsync(Job job, bool overwrite = true, CancellationToken cancellationToken = default) =>
        ComponentTelemetry.TraceAsync("jobs", "schedule", _componentName, () => ScheduleCoreAsync(job, overwrite, cancellationToken));

    private async Task ScheduleCoreAsync(Job job, bool overwrite, CancellationToken cancellationToken)
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
        var first = job.DueTime ?? schedule?.NextAfter(DateTimeOffset.UtcNow) ?? throw Invalid($"job {job.Name} has neither a schedule nor a due time");
        var stored = await _session.InTransactionAsync(sql =>
        {
            if (!overwrite && sql.Scalar("SELECT 1 FROM jobs WHERE name = $p0", job.Name) is not null)
            {
                return false;
            }
            sql.Execute("INSERT OR REPLACE INTO jobs (name, schedule, due_time, repeats, ttl, data, next_fire, fired) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, 0)",
                job.Name, job.Schedule, job.DueTime?.ToUnixTimeMilliseconds(), job.Repeats, job.Ttl?.ToUnixTimeMilliseconds(), job.Data.ToArray(), first.ToUnixTimeMilliseconds());
            return true;
        }, cancellationToken).ConfigureAwait(false);
        if (!stored)
        {
            throw Invalid($"job {job.Name} already exists and overwrite is false");
        }
    }

    /// <inheritdoc />
    public Task<Job?> GetAsync(string name, CancellationToken cancellationToken = default) =>
        ComponentTelemetry.TraceAsync("jobs", "get", _componentName, () => GetCoreAsync(name, cancellationToken));

    private async Task<Job?> GetCoreAsync(string name, CancellationToken cancellationToken)
    {
        var rows = await _session.RunAsync(sql => sql.Query("SELECT name, schedule, due_time, repeats, ttl, data FROM jobs WHERE name = $p0", ToJob, name), cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default) =>
        ComponentTelemetry.TraceAsync("jobs", "delete", _componentName, () => DeleteCoreAsync(name, cancellationToken));

    private Task<bool> DeleteCoreAsync(string name, CancellationToken cancellationToken) =>
        _session.InTransactionAsync(sql => sql.Execute("DELETE FROM jobs WHERE name = $p0", name) > 0, cancellationToken);

    public Task<IAsyncDisposable> RunAsync(JobTriggerHandler handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Task.FromResult<IAsyncDisposable>(_runs.Start(token => LoopAsync(handler, token)));
    }

    public async ValueTask DisposeAsync()
    {
        await _runs.DisposeAsync().ConfigureAwait(false);
        _session.Dispose();
    }

    private async Task LoopAsync(JobTriggerHandler handler, CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            List<Job> due;
            try
            {
                due = await _session.InTransactionAsync(ClaimDue, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SqliteException e)
            {
                _logger.LogWarning(e, "jobs {Component}: reading due jobs failed; retrying", _componentName);
                due = [];
            }
            foreach (var job in due)
            {
                try
                {
                    await handler(job, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    _logger.LogWarning(e, "jobs {Component}: handler for job {Job} failed", _componentName, job.Name);
                }
            }
            try
            {
                await Task.Delay(MaxPoll, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static List<Job> ClaimDue(SqliteSession.Statements sql)
    {
        var now = DateTimeOffset.UtcNow;
        var rows = sql.Query("SELECT name, schedule, due_time, repeats, ttl, data, next_fire, fired FROM jobs WHERE next_fire <= $p0 ORDER BY next_fire LIMIT 100",
            r => (Job: ToJob(r), NextFire: DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)), Fired: r.GetInt32(7)), now.ToUnixTimeMilliseconds());
        var fire = new List<Job>();
        foreach (var (job, nextFire, fired) in rows)
        {
            if (job.Ttl is { } ttl && ttl <= now)
            {
                sql.Execute("DELETE FROM jobs WHERE name = $p0", job.Name);
                continue;
            }
            fire.Add(job);
            var count = fired + 1;
            var following = job.Schedule is null || (job.Repeats is { } repeats && count >= repeats) ? null : JobSchedule.Parse(job.Schedule).NextAfter(nextFire > now ? nextFire : now);
            if (following is { } next && (job.Ttl is null || next < job.Ttl))
            {
                sql.Execute("UPDATE jobs SET next_fire = $p1, fired = $p2 WHERE name = $p0", job.Name, next.ToUnixTimeMilliseconds(), count);
            }
            else
            {
                sql.Execute("DELETE FROM jobs WHERE name = $p0", job.Name);
            }
        }
        return fire;
    }

    private static Job ToJob(SqliteDataReader r) => new(
        r.GetString(0),
        r.IsDBNull(1) ? null : r.GetString(1),
        r.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)),
        r.IsDBNull(3) ? null : r.GetInt32(3),
        r.IsDBNull(4) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)),
        (byte[])r.GetValue(5));

    private CloudRuntimesException Invalid(string message) => new(CloudRuntimesErrors.JobInvalid, $"jobs {_componentName}: {message}");
}
