using CloudRuntimes.Components.Composition;
using CloudRuntimes.Lock;

namespace CloudRuntimes.Components.Lock;

/// <summary><c>lock.in-memory</c>: locks held in process memory, released on unlock or expiry.</summary>
public sealed class InMemoryLockStore : ILockStore
{
    private readonly Dictionary<string, (string Owner, DateTimeOffset ExpiresAt)> _locks = new(StringComparer.Ordinal);
    private readonly System.Threading.Lock _gate = new();
    private readonly string _componentName;

    /// <summary>Creates an empty store.</summary>
    /// <param name="componentName">Component name, for messages.</param>
    public InMemoryLockStore(string componentName)
    {
        _componentName = componentName;
    }

    /// <inheritdoc />
    public Task<bool> TryLockAsync(TryLockRequest request, CancellationToken cancellationToken = default) =>
        ComponentTelemetry.TraceAsync("lock", "tryLock", _componentName, () => TryLockCoreAsync(request, cancellationToken));

    private Task<bool> TryLockCoreAsync(TryLockRequest request, CancellationToken cancellationToken)
    {
        LockRequests.Validate(request, _componentName);
        var now = DateTimeOffset.UtcNow;
        lock (_gate)
        {
            if (_locks.TryGetValue(request.ResourceId, out var held) && held.ExpiresAt > now)
            {
                return Task.FromResult(false);
            }
            _locks[request.ResourceId] = (request.LockOwner, now.AddSeconds(request.ExpiryInSeconds));
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<RenewLockStatus> RenewAsync(TryLockRequest request, CancellationToken cancellationToken = default) =>
        ComponentTelemetry.TraceAsync("lock", "renew", _componentName, () =>
        {
            LockRequests.Validate(request, _componentName);
            var now = DateTimeOffset.UtcNow;
            lock (_gate)
            {
                if (!_locks.TryGetValue(request.ResourceId, out var held) || held.ExpiresAt <= now)
                {
                    return Task.FromResult(RenewLockStatus.LockDoesNotExist);
                }
                if (held.Owner != request.LockOwner)
                {
                    return Task.FromResult(RenewLockStatus.LockBelongsToOthers);
                }
                _locks[request.ResourceId] = (held.Owner, now.AddSeconds(request.ExpiryInSeconds));
                return Task.FromResult(RenewLockStatus.Success);
            }
        });

    /// <inheritdoc />
    public Task<UnlockStatus> UnlockAsync(UnlockRequest request, CancellationToken cancellationToken = default) =>
        ComponentTelemetry.TraceAsync("lock", "unlock", _componentName, () => UnlockCoreAsync(request, cancellationToken));

    private Task<UnlockStatus> UnlockCoreAsync(UnlockRequest request, CancellationToken cancellationToken)
    {
        LockRequests.Validate(request, _componentName);
        lock (_gate)
        {
            if (!_locks.TryGetValue(request.ResourceId, out var held) || held.ExpiresAt <= DateTimeOffset.UtcNow)
            {
                _locks.Remove(request.ResourceId);
                return Task.FromResult(UnlockStatus.LockDoesNotExist);
            }
            if (held.Owner != request.LockOwner)
            {
                return Task.FromResult(UnlockStatus.LockBelongsToOthers);
            }
            _locks.Remove(request.ResourceId);
            return Task.FromResult(UnlockStatus.Success);
        }
    }
}
