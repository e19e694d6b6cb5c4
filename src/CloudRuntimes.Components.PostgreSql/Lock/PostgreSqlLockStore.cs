using CloudRuntimes.Components.Composition;
using CloudRuntimes.Components.Lock;
using CloudRuntimes.Lock;
using Npgsql;

namespace CloudRuntimes.Components.PostgreSql.Lock;

/// <summary>
/// <c>lock.postgresql</c>: a lock is a lease row (resource scoped <c>{appId}||{resourceId}</c>, owner, expiry) in a
/// table (metadata <c>tableName</c>, default <c>locks</c>). Taking, renewing and releasing are single statements, and
/// expiry is judged by the database server's clock, so every replica, on any machine, agrees on who holds a lock.
/// </summary>
internal sealed class PostgreSqlLockStore : ILockStore, IAsyncDisposable
{
    private readonly NpgsqlDataSource _source;
    private readonly string _appId;
    private readonly string _componentName;
    private readonly string _tryLock;
    private readonly string _unlock;
    private readonly string _renew;

    private PostgreSqlLockStore(NpgsqlDataSource source, string table, string appId, string componentName)
    {
        _source = source;
        _appId = appId;
        _componentName = componentName;
        _tryLock = $"INSERT INTO {table} (resource, owner, expires_at) VALUES ($1, $2, clock_timestamp() + $3 * interval '1 second') "
            + $"ON CONFLICT (resource) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at WHERE {table}.expires_at <= clock_timestamp()";
        // One statement: the held row (if any), and its deletion when it is expired or ours. 0 = released, 1 = none, 2 = another owner's.
        _unlock = $"WITH held AS (SELECT owner, expires_at > clock_timestamp() AS live FROM {table} WHERE resource = $1 FOR UPDATE), "
            + $"gone AS (DELETE FROM {table} t USING held WHERE t.resource = $1 AND (NOT held.live OR held.owner = $2) RETURNING held.live, held.owner) "
            + "SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM held) OR EXISTS (SELECT 1 FROM gone WHERE NOT live) THEN 1 WHEN EXISTS (SELECT 1 FROM gone) THEN 0 ELSE 2 END";
        // 0 = renewed, 1 = none held, 2 = another owner's.
        _renew = $"WITH held AS (SELECT owner, expires_at > clock_timestamp() AS live FROM {table} WHERE resource = $1 FOR UPDATE), "
            + $"renewed AS (UPDATE {table} t SET expires_at = clock_timestamp() + $3 * interval '1 second' FROM held WHERE t.resource = $1 AND held.live AND held.owner = $2 RETURNING 1) "
            + "SELECT CASE WHEN EXISTS (SELECT 1 FROM renewed) THEN 0 WHEN NOT EXISTS (SELECT 1 FROM held WHERE live) THEN 1 ELSE 2 END";
    }

    /// <summary>Creates the table when missing.</summary>
    public static async Task<PostgreSqlLockStore> CreateAsync(NpgsqlDataSource source, ComponentDefinition definition, string appId, CancellationToken cancellationToken)
    {
        var table = PostgreSqlSource.Table(definition, "tableName", "locks");
        await PostgreSqlSchema.EnsureAsync(source, definition,
            [$"CREATE TABLE IF NOT EXISTS {table} (resource text NOT NULL PRIMARY KEY, owner text NOT NULL, expires_at timestamptz NOT NULL)"], cancellationToken).ConfigureAwait(false);
        return new PostgreSqlLockStore(source, table, appId, definition.Name);
    }

    /// <inheritdoc />
    public Task<bool> TryLockAsync(TryLockRequest request, CancellationToken cancellationToken = default) =>
        ComponentTelemetry.TraceAsync("lock", "tryLock", _componentName, async () =>
        {
            LockRequests.Validate(request, _componentName);
            return await RunAsync(_tryLock, request.ResourceId, request.LockOwner, request.ExpiryInSeconds, CloudRuntimesErrors.TryLock, "locking", execute: true, cancellationToken).ConfigureAwait(false) == 1;
        });

    /// <inheritdoc />
    public Task<UnlockStatus> UnlockAsync(UnlockRequest request, CancellationToken cancellationToken = default) =>
        ComponentTelemetry.TraceAsync("lock", "unlock", _componentName, async () =>
        {
            LockRequests.Validate(request, _componentName);
            return (UnlockStatus)await RunAsync(_unlock, request.ResourceId, request.LockOwner, null, CloudRuntimesErrors.Unlock, "unlocking", execute: false, cancellationToken).ConfigureAwait(false);
        });

    /// <inheritdoc />
    public Task<RenewLockStatus> RenewAsync(TryLockRequest request, CancellationToken cancellationToken = default) =>
        ComponentTelemetry.TraceAsync("lock", "renew", _componentName, async () =>
        {
            LockRequests.Validate(request, _componentName);
            return (RenewLockStatus)await RunAsync(_renew, request.ResourceId, request.LockOwner, request.ExpiryInSeconds, CloudRuntimesErrors.TryLock, "renewing", execute: false, cancellationToken).ConfigureAwait(false);
        });

    public ValueTask DisposeAsync() => _source.DisposeAsync();

    /// <summary>Runs a lock statement: its rows affected (<paramref name="execute"/>) or its one integer result.</summary>
    private async Task<int> RunAsync(string sql, string resource, string owner, int? seconds, CloudRuntimesError failure, string doing, bool execute, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = _source.CreateCommand(sql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = LockRequests.ScopedKey(_appId, resource) });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = owner });
            if (seconds is { } expiry)
            {
                command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = expiry });
            }
            return execute
                ? await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false)
                : Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new CloudRuntimesException(failure, $"lock store {_componentName}: {doing} {resource} failed", e);
        }
    }
}
