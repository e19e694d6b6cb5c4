using CloudRuntimes.Components.Jobs;
using CloudRuntimes.Jobs;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace CloudRuntimes.Components.PostgreSql.Jobs;

/// <summary>
/// <c>jobs.postgresql</c>: jobs in a table (metadata <c>tableName</c>, default <c>jobs</c>) with their next due time and
/// the lease of the firing in progress (see <see cref="DurableJobScheduler"/>). Runners on every replica claim due
/// firings with <c>SELECT ... FOR UPDATE SKIP LOCKED</c>, so each due time fires once across the deployment, and a firing
/// whose runner died is fired again when its lease ends.
/// </summary>
internal sealed class PostgreSqlJobScheduler : DurableJobScheduler
{
    private const string Columns = "name, schedule, due_time, repeats, ttl, data, next_fire, fired, lease_holder, lease_until";
    private readonly NpgsqlDataSource _source;
    private readonly string _table;

    private PostgreSqlJobScheduler(NpgsqlDataSource source, string table, string componentName, ILogger logger, TimeSpan firingLease)
        : base(componentName, logger, firingLease)
    {
        _source = source;
        _table = table;
    }

    /// <summary>Creates the table when missing.</summary>
    public static async Task<PostgreSqlJobScheduler> CreateAsync(NpgsqlDataSource source, ComponentDefinition definition, ILogger logger, CancellationToken cancellationToken)
    {
        var table = PostgreSqlSource.Table(definition, "tableName", "jobs");
        await PostgreSqlSchema.EnsureAsync(source, definition, [
            $"CREATE TABLE IF NOT EXISTS {table} (name text NOT NULL PRIMARY KEY, schedule text NULL, due_time timestamptz NULL, repeats integer NULL, ttl timestamptz NULL, data bytea NOT NULL, "
            + "next_fire timestamptz NOT NULL, fired integer NOT NULL DEFAULT 0, lease_holder text NULL, lease_until timestamptz NULL)",
        ], cancellationToken).ConfigureAwait(false);
        return new PostgreSqlJobScheduler(source, table, definition.Name, logger, definition.GetDuration("firingLease") ?? DefaultFiringLease);
    }

    /// <remarks>
    /// The count is part of the insert (a new row only while fewer than <paramref name="maxJobs"/> rows exist), so
    /// replicas inserting at the very same moment may pass the limit by the few rows they insert together.
    /// </remarks>
    protected override async Task<JobStoreOutcome> StoreAsync(Job job, DateTimeOffset firstDue, bool overwrite, int? maxJobs, CancellationToken cancellationToken)
    {
        var conflict = overwrite
            ? "DO UPDATE SET schedule = excluded.schedule, due_time = excluded.due_time, repeats = excluded.repeats, ttl = excluded.ttl, data = excluded.data, next_fire = excluded.next_fire, fired = 0, lease_holder = NULL, lease_until = NULL"
            : "DO NOTHING";
        await using var command = _source.CreateCommand(
            $"INSERT INTO {_table} (name, schedule, due_time, repeats, ttl, data, next_fire) SELECT $1, $2, $3, $4, $5, $6, $7 "
            + $"WHERE $8::bigint IS NULL OR (SELECT COUNT(*) FROM {_table}) < $8 OR EXISTS (SELECT 1 FROM {_table} WHERE name = $1) ON CONFLICT (name) {conflict}");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = job.Name });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)job.Schedule ?? DBNull.Value });
        command.Parameters.Add(Time(job.DueTime));
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = (object?)job.Repeats ?? DBNull.Value });
        command.Parameters.Add(Time(job.Ttl));
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = job.Data.ToArray() });
        command.Parameters.Add(Time(firstDue));
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (object?)maxJobs ?? DBNull.Value });
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
        {
            return JobStoreOutcome.Stored;
        }
        return await LoadAsync(job.Name, cancellationToken).ConfigureAwait(false) is null ? JobStoreOutcome.Full : JobStoreOutcome.Exists;
    }

    protected override async Task<Job?> LoadAsync(string name, CancellationToken cancellationToken)
    {
        await using var command = _source.CreateCommand($"SELECT {Columns} FROM {_table} WHERE name = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ToJob(reader) : null;
    }

    protected override async Task<bool> RemoveAsync(string name, CancellationToken cancellationToken)
    {
        await using var command = _source.CreateCommand($"DELETE FROM {_table} WHERE name = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    protected override async Task<IReadOnlyList<JobFiring>> ClaimDueAsync(JobClaim claim, CancellationToken cancellationToken)
    {
        await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var due = new List<(JobFiring Firing, string? Holder, DateTimeOffset? Until)>();
        // Leases held live by another machine's runners cannot be over; rows another runner is claiming right now are skipped.
        await using (var select = new NpgsqlCommand(
            $"SELECT {Columns} FROM {_table} WHERE next_fire <= $1 AND (lease_until IS NULL OR lease_until <= $1 OR starts_with(lease_holder, $2)) ORDER BY next_fire LIMIT $3 FOR UPDATE SKIP LOCKED",
            connection, transaction))
        {
            select.Parameters.Add(Time(claim.Now));
            select.Parameters.Add(new NpgsqlParameter<string> { TypedValue = LocalHolderPrefix });
            select.Parameters.Add(new NpgsqlParameter<int> { TypedValue = claim.MaxCount });
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                due.Add((new JobFiring(ToJob(reader), TimeAt(reader, 6)!.Value, reader.GetInt32(7)), reader.IsDBNull(8) ? null : reader.GetString(8), TimeAt(reader, 9)));
            }
        }
        var claimed = due.Where(d => LeaseIsOver(d.Holder, d.Until, claim.Now)).Select(d => d.Firing).ToList();
        if (claimed.Count > 0)
        {
            await using var update = new NpgsqlCommand($"UPDATE {_table} SET lease_holder = $2, lease_until = $3 WHERE name = ANY($1)", connection, transaction);
            update.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. claimed.Select(c => c.Job.Name)] });
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = claim.Holder });
            update.Parameters.Add(Time(claim.LeaseUntil));
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return claimed;
    }

    protected override async Task CompleteAsync(JobFiring firing, string holder, DateTimeOffset? nextDue, int fired, CancellationToken cancellationToken)
    {
        const string Held = "name = $1 AND lease_holder = $2 AND next_fire = $3";
        await using var command = _source.CreateCommand(nextDue is null
            ? $"DELETE FROM {_table} WHERE {Held}"
            : $"UPDATE {_table} SET next_fire = $4, fired = $5, lease_holder = NULL, lease_until = NULL WHERE {Held}");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = firing.Job.Name });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = holder });
        command.Parameters.Add(Time(firing.DueAt));
        if (nextDue is { } due)
        {
            command.Parameters.Add(Time(due));
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = fired });
        }
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync().ConfigureAwait(false);
        await _source.DisposeAsync().ConfigureAwait(false);
    }

    private static NpgsqlParameter Time(DateTimeOffset? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = value is { } time ? time.UtcDateTime : DBNull.Value };

    private static DateTimeOffset? TimeAt(NpgsqlDataReader row, int column) =>
        row.IsDBNull(column) ? null : new DateTimeOffset(row.GetFieldValue<DateTime>(column), TimeSpan.Zero);

    private static Job ToJob(NpgsqlDataReader row) => new(
        row.GetString(0),
        row.IsDBNull(1) ? null : row.GetString(1),
        TimeAt(row, 2),
        row.IsDBNull(3) ? null : row.GetInt32(3),
        TimeAt(row, 4),
        row.GetFieldValue<byte[]>(5));
}
