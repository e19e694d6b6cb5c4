using CloudRuntimes.Components.Jobs;
using CloudRuntimes.Jobs;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace CloudRuntimes.Components.Sqlite;

/// <summary>
/// <c>jobs.sqlite</c>: jobs stored in a SQLite table with their next due time and the lease of the firing in progress
/// (see <see cref="DurableJobScheduler"/>). Runners in every process that opens the same file claim due firings in
/// transactions, so each due time fires once across them; jobs survive restarts, and a firing missed while nothing ran
/// happens once when a runner starts.
/// </summary>
internal sealed class SqliteJobScheduler : DurableJobScheduler
{
    private const string Columns = "name, schedule, due_time, repeats, ttl, data, next_fire, fired, lease_holder, lease_until";
    private readonly SqliteSession _session;

    public SqliteJobScheduler(SqliteSession session, string componentName, ILogger logger, TimeSpan firingLease)
        : base(componentName, logger, firingLease)
    {
        _session = session;
        _session.Execute("CREATE TABLE IF NOT EXISTS jobs (name TEXT NOT NULL PRIMARY KEY, schedule TEXT NULL, due_time INTEGER NULL, repeats INTEGER NULL, ttl INTEGER NULL, data BLOB NOT NULL, next_fire INTEGER NOT NULL, fired INTEGER NOT NULL DEFAULT 0, lease_holder TEXT NULL, lease_until INTEGER NULL)");
        // A file written before firings were leased lacks the lease columns.
        if (_session.ExecuteScalar("SELECT 1 FROM pragma_table_info('jobs') WHERE name = 'lease_holder'") is null)
        {
            _session.Execute("ALTER TABLE jobs ADD COLUMN lease_holder TEXT NULL; ALTER TABLE jobs ADD COLUMN lease_until INTEGER NULL");
        }
    }

    protected override Task<JobStoreOutcome> StoreAsync(Job job, DateTimeOffset firstDue, bool overwrite, int? maxJobs, CancellationToken cancellationToken) =>
        _session.InTransactionAsync(sql =>
        {
            var exists = sql.Scalar("SELECT 1 FROM jobs WHERE name = $p0", job.Name) is not null;
            if (exists && !overwrite)
            {
                return JobStoreOutcome.Exists;
            }
            if (!exists && maxJobs is { } most && sql.Scalar("SELECT COUNT(*) FROM jobs") is long count && count >= most)
            {
                return JobStoreOutcome.Full;
            }
            sql.Execute("INSERT OR REPLACE INTO jobs (name, schedule, due_time, repeats, ttl, data, next_fire, fired) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, 0)",
                job.Name, job.Schedule, job.DueTime?.ToUnixTimeMilliseconds(), job.Repeats, job.Ttl?.ToUnixTimeMilliseconds(), job.Data.ToArray(), firstDue.ToUnixTimeMilliseconds());
            return JobStoreOutcome.Stored;
        }, cancellationToken);

    protected override Task<Job?> LoadAsync(string name, CancellationToken cancellationToken) =>
        _session.ReadAsync(sql => sql.QueryFirst($"SELECT {Columns} FROM jobs WHERE name = $p0", ToJob, name), cancellationToken);

    protected override Task<bool> RemoveAsync(string name, CancellationToken cancellationToken) =>
        _session.InTransactionAsync(sql => sql.Execute("DELETE FROM jobs WHERE name = $p0", name) > 0, cancellationToken);

    protected override Task<IReadOnlyList<JobFiring>> ClaimDueAsync(JobClaim claim, CancellationToken cancellationToken) =>
        _session.InTransactionAsync<IReadOnlyList<JobFiring>>(sql =>
        {
            // Leases held live by another machine's runners cannot be over; this machine's holders may be gone.
            var due = sql.Query($"SELECT {Columns} FROM jobs WHERE next_fire <= $p0 AND (lease_until IS NULL OR lease_until <= $p0 OR substr(lease_holder, 1, length($p1)) = $p1) ORDER BY next_fire LIMIT $p2",
                row => (Firing: new JobFiring(ToJob(row), Time(row, 6)!.Value, row.GetInt32(7)), Holder: row.IsDBNull(8) ? null : row.GetString(8), Until: Time(row, 9)),
                claim.Now.ToUnixTimeMilliseconds(), LocalHolderPrefix, claim.MaxCount);
            var claimed = due.Where(d => LeaseIsOver(d.Holder, d.Until, claim.Now)).Select(d => d.Firing).Take(claim.MaxCount).ToList();
            foreach (var firing in claimed)
            {
                sql.Execute("UPDATE jobs SET lease_holder = $p1, lease_until = $p2 WHERE name = $p0", firing.Job.Name, claim.Holder, claim.LeaseUntil.ToUnixTimeMilliseconds());
            }
            return claimed;
        }, cancellationToken);

    protected override Task CompleteAsync(JobFiring firing, string holder, DateTimeOffset? nextDue, int fired, CancellationToken cancellationToken) =>
        _session.InTransactionAsync(sql => nextDue is { } due
            ? sql.Execute("UPDATE jobs SET next_fire = $p3, fired = $p4, lease_holder = NULL, lease_until = NULL WHERE name = $p0 AND lease_holder = $p1 AND next_fire = $p2",
                firing.Job.Name, holder, firing.DueAt.ToUnixTimeMilliseconds(), due.ToUnixTimeMilliseconds(), fired)
            : sql.Execute("DELETE FROM jobs WHERE name = $p0 AND lease_holder = $p1 AND next_fire = $p2", firing.Job.Name, holder, firing.DueAt.ToUnixTimeMilliseconds()),
            cancellationToken);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync().ConfigureAwait(false);
        _session.Dispose();
    }

    private static DateTimeOffset? Time(SqliteDataReader row, int column) => row.IsDBNull(column) ? null : DateTimeOffset.FromUnixTimeMilliseconds(row.GetInt64(column));

    private static Job ToJob(SqliteDataReader r) => new(
        r.GetString(0),
        r.IsDBNull(1) ? null : r.GetString(1),
        Time(r, 2),
        r.IsDBNull(3) ? null : r.GetInt32(3),
        Time(r, 4),
        (byte[])r.GetValue(5));
}
