using CloudRuntimes.Components.Composition;
using CloudRuntimes.Components.Lock;
using CloudRuntimes.Lock;
using StackExchange.Redis;

namespace CloudRuntimes.Components.Redis;

/// <summary>
/// <c>lock.redis</c>: a lock is the Redis string <c>{appId}||{resourceId}</c> holding the owner, set with
/// <c>SET NX PX</c> (so Redis releases it at expiry); unlock compares the owner and deletes, and renewal compares the
/// owner and sets a new expiry (<c>PEXPIRE</c>), each in one Lua script.
/// </summary>
internal sealed class RedisLockStore : ILockStore, IDisposable
{
    private const string UnlockScript = """
        local owner = redis.call('GET', KEYS[1])
        if not owner then return 1 end
        if owner ~= ARGV[1] then return 2 end
        redis.call('DEL', KEYS[1])
        return 0
        """;

    private const string RenewScript = """
        local owner = redis.call('GET', KEYS[1])
        if not owner then return 1 end
        if owner ~= ARGV[1] then return 2 end
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return 0
        """;

    private readonly ConnectionMultiplexer _connection;
    private readonly IDatabase _database;
    private readonly string _appId;
    private readonly string _componentName;

    public RedisLockStore(ConnectionMultiplexer connection, IDatabase database, string appId, string componentName)
    {
        _connection = connection;
        _database = database;
        _appId = appId;
        _componentName = componentName;
    }

    /// <inheritdoc />
    public Task<bool> TryLockAsync(TryLockRequest request, CancellationToken cancellationToken = default) =>
        ComponentTelemetry.TraceAsync("lock", "tryLock", _componentName, () => TryLockCoreAsync(request, cancellationToken));

    private async Task<bool> TryLockCoreAsync(TryLockRequest request, CancellationToken cancellationToken)
    {
        LockRequests.Validate(request, _componentName);
        try
        {
            return await _database.StringSetAsync(LockRequests.ScopedKey(_appId, request.ResourceId), request.LockOwner, TimeSpan.FromSeconds(request.ExpiryInSeconds), When.NotExists).ConfigureAwait(false);
        }
        catch (RedisException e)
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
        try
        {
            var status = (int)await _database.ScriptEvaluateAsync(UnlockScript, [LockRequests.ScopedKey(_appId, request.ResourceId)], [request.LockOwner]).ConfigureAwait(false);
            return (UnlockStatus)status;
        }
        catch (RedisException e)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.Unlock, $"lock store {_componentName}: unlocking {request.ResourceId} failed", e);
        }
    }

    /// <inheritdoc />
    public Task<RenewLockStatus> RenewAsync(TryLockRequest request, CancellationToken cancellationToken = default) =>
        ComponentTelemetry.TraceAsync("lock", "renew", _componentName, async () =>
        {
            LockRequests.Validate(request, _componentName);
            try
            {
                return (RenewLockStatus)(int)await _database.ScriptEvaluateAsync(RenewScript, [LockRequests.ScopedKey(_appId, request.ResourceId)], [request.LockOwner, request.ExpiryInSeconds * 1000L]).ConfigureAwait(false);
            }
            catch (RedisException e)
            {
                throw new CloudRuntimesException(CloudRuntimesErrors.TryLock, $"lock store {_componentName}: renewing {request.ResourceId} failed", e);
            }
        });

    public void Dispose() => _connection.Dispose();
}
