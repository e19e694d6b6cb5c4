using CloudRuntimes.Components.Composition;
using CloudRuntimes.Components.Lock;
using CloudRuntimes.Lock;

namespace CloudRuntimes.Components.Sqlite;

/// <summary>
/// <c>lock.sqlite</c>: locks as rows of a SQLite table (key scoped by app id, owner, expiry in Unix milliseconds),
/// taken and released in transactions, so processes sharing the file exclude each other.
/// </summary>
internal sealed class SqliteLockStore : ILockStore, IDisposable
{
    private readonly SqliteSession _session;
    private readonly string _appId;
    private readonly string _componentName;

    public SqliteLockStore(SqliteSession session, string appId, string componentName)
    {
        _session = session;
        _appId = appId;
        _componentName = componentName;
        _session.Execute("CREATE TABLE IF NOT EXISTS locks (resource TEXT NOT NULL PRIMARY KEY, owner TEXT NOT NULL, expires_at INTEGER NOT NULL)");
    }

    /// <inheritdoc />
    public Task<bool> TryLockAsync(TryLockRequest request, CancellationToken cancellationToken = default) =>
        ComponentTelemetry.TraceAsync("lock", "tryLock", _componentName, () => TryLockCoreAsync(request, cancellationToken));

    private async Task<bool> TryLockCoreAsync(TryLockRequest request, CancellationToken cancellationToken)
    {
        LockRequests.Validate(request, _componentName);
        var key = LockRequests.ScopedKey(_appId, request.ResourceId);
        try
        {
            return await _session.InTransactionAsync(sql =>
            {
                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                return sql.Execute(
                    "INSERT INTO locks (resource, owner, expires_at) VALUES ($p0, $p1, $p2) ON CONFLICT(resource) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at WHERE locks.expires_at <= $p3",
                    key, request.LockOwner, now + request.ExpiryInSeconds * 1000L, now) > 0;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.TryLock, $"lock store {_componentName}: locking {request.ResourceId} failed", e);
        }
    }

    /// <inheritdoc />
    public Task<UnlockStatus> UnlockAsync(UnlockRequest request, CancellationToken cancellationToken = default) =>
        ComponentTelemetry.TraceAsync("lock", "unlock", _componentName, () => UnlockCoreAsync(request, cancellationToken));

    private async Task<UnlockStatus> UnlockCoreAsync(UnlockRequest request, CancellationToken cancellationToken)
    {
        LockRequests.Validate(request, _componentName);
        var key = LockRequests.ScopedKey(_appId, request.ResourceId);
        try
        {
            return await _session.InTransactionAsync(sql =>
            {
                var owner = sql.Scalar("SELECT owner FROM locks WHERE resource = $p0 AND expires_at > $p1", key, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()) as string;
                if (owner is null)
                {
                    sql.Execute("DELETE FROM locks WHERE resource = $p0", key);
                    return UnlockStatus.LockDoesNotExist;
                }
                if (owner != request.LockOwner)
                {
                    return UnlockStatus.LockBelongsToOthers;
                }
                sql.Execute("DELETE FROM locks WHERE resource = $p0", key);
                return UnlockStatus.Success;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.Unlock, $"lock store {_componentName}: unlocking {request.ResourceId} failed", e);
        }
    }

    /// <inheritdoc />
    public Task<RenewLockStatus> RenewAsync(TryLockRequest request, CancellationToken cancellationToken = default) =>
        ComponentTelemetry.TraceAsync("lock", "renew", _componentName, async () =>
        {
            LockRequests.Validate(request, _componentName);
            var key = LockRequests.ScopedKey(_appId, request.ResourceId);
            try
            {
                return await _session.InTransactionAsync(sql =>
                {
                    var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                    var owner = sql.Scalar("SELECT owner FROM locks WHERE resource = $p0 AND expires_at > $p1", key, now) as string;
                    if (owner is null)
                    {
                        return RenewLockStatus.LockDoesNotExist;
                    }
                    if (owner != request.LockOwner)
                    {
                        return RenewLockStatus.LockBelongsToOthers;
                    }
                    sql.Execute("UPDATE locks SET expires_at = $p1 WHERE resource = $p0", key, now + request.ExpiryInSeconds * 1000L);
                    return RenewLockStatus.Success;
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (Microsoft.Data.Sqlite.SqliteException e)
            {
                throw new CloudRuntimesException(CloudRuntimesErrors.TryLock, $"lock store {_componentName}: renewing {request.ResourceId} failed", e);
            }
        });

    public void Dispose() => _session.Dispose();
}
