using CloudRuntimes.Lock;

namespace CloudRuntimes.Host.Blocks;

/// <summary>
/// The distributed lock behind both transports (Dapr lock API, alpha): request checks, then the store; and the waiting
/// acquire (a Cloud Runtimes extension), bounded by <see cref="RuntimeLimits.MaxLockWaiters"/> per store and
/// <see cref="RuntimeLimits.MaxLockWait"/>. A waiting acquire tries the store again every 250 ms at most (the lock may
/// expire, or be released by another process sharing the store), and at once when an unlock through this server
/// releases its resource.
/// </summary>
internal sealed class LockService(ICloudRuntimesComponents components, RuntimeOptions options)
{
    private readonly System.Threading.Lock _gate = new();

    /// <summary>Waiting acquires per store.</summary>
    private readonly StoreSlots _slots = new();

    /// <summary>The resources waited for, per store and resource id; an entry lives while someone waits.</summary>
    private readonly Dictionary<(string Store, string ResourceId), Waiters> _waiting = [];

    /// <summary>Tries to take a lock without waiting.</summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.LockStoreNotFound"/>; <see cref="CloudRuntimesErrors.MalformedRequest"/> without a resource or owner or with an expiry ≤ 0; <see cref="CloudRuntimesErrors.TryLock"/>.</exception>
    public Task<bool> TryLockAsync(string store, string? resourceId, string? lockOwner, int? expiryInSeconds, CancellationToken cancellationToken)
    {
        var lockStore = components.GetLockStore(store);
        if (string.IsNullOrEmpty(resourceId) || string.IsNullOrEmpty(lockOwner) || expiryInSeconds is not > 0)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, "lock requests need a resourceId, a lockOwner and expiryInSeconds > 0");
        }
        return lockStore.TryLockAsync(new TryLockRequest(resourceId, lockOwner, expiryInSeconds.Value), cancellationToken);
    }

    /// <summary>
    /// Takes a lock, waiting up to <paramref name="timeout"/> for it (<c>POST /v1.0-alpha1/lock/{store}/acquire</c>).
    /// </summary>
    /// <param name="store">The lock store's name.</param>
    /// <param name="request">Resource, owner and expiry.</param>
    /// <param name="timeout">How long to wait: zero (one attempt) to <see cref="RuntimeLimits.MaxLockWait"/>.</param>
    /// <param name="cancellationToken">Stops waiting (the caller left).</param>
    /// <returns>True when acquired; false when the timeout passed first.</returns>
    /// <exception cref="CloudRuntimesException">
    /// <see cref="CloudRuntimesErrors.LockStoreNotFound"/>; <see cref="CloudRuntimesErrors.MalformedRequest"/> for a timeout out of
    /// range; <see cref="CloudRuntimesErrors.LockWaitLimit"/> while the store has <see cref="RuntimeLimits.MaxLockWaiters"/>
    /// acquires waiting; what the store throws.
    /// </exception>
    public async Task<bool> AcquireAsync(string store, TryLockRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var lockStore = components.GetLockStore(store);
        var limits = options.Limits;
        if (timeout < TimeSpan.Zero || timeout > limits.MaxLockWait)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"acquire requests need timeoutInSeconds from 0 to {limits.MaxLockWait.TotalSeconds:0.###} (--max-lock-wait)");
        }
        if (timeout == TimeSpan.Zero)
        {
            return await lockStore.TryLockAsync(request, cancellationToken);
        }
        var waiters = Enter(store, request.ResourceId);
        try
        {
            var released = waiters.Released;
            return await lockStore.LockAsync(request, timeout, async (pause, token) =>
            {
                await Task.WhenAny(released, Task.Delay(pause, token));
                token.ThrowIfCancellationRequested();
                // Taken before the next attempt, so a release after that attempt still ends the next pause.
                released = waiters.Released;
            }, cancellationToken);
        }
        finally
        {
            Leave(store, request.ResourceId, waiters);
        }
    }

    /// <summary>Releases a lock held by its owner; the acquires waiting for it in this server try again at once.</summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.LockStoreNotFound"/>; <see cref="CloudRuntimesErrors.MalformedRequest"/> without a resource or owner; <see cref="CloudRuntimesErrors.Unlock"/>.</exception>
    public async Task<UnlockStatus> UnlockAsync(string store, string? resourceId, string? lockOwner, CancellationToken cancellationToken)
    {
        var lockStore = components.GetLockStore(store);
        if (string.IsNullOrEmpty(resourceId) || string.IsNullOrEmpty(lockOwner))
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, "unlock requests need a resourceId and a lockOwner");
        }
        var status = await lockStore.UnlockAsync(new UnlockRequest(resourceId, lockOwner), cancellationToken);
        if (status == UnlockStatus.Success)
        {
            lock (_gate)
            {
                if (_waiting.TryGetValue((store, resourceId), out var waiters))
                {
                    waiters.Release();
                }
            }
        }
        return status;
    }

    /// <summary>Counts a waiting acquire in, or refuses it when its store has its most.</summary>
    private Waiters Enter(string store, string resourceId)
    {
        _slots.Take(store, options.Limits.MaxLockWaiters, count => new CloudRuntimesException(CloudRuntimesErrors.LockWaitLimit,
            $"lock store {store}: {count} acquires are already waiting, the most it takes (--max-lock-waiters); try again later"));
        lock (_gate)
        {
            if (!_waiting.TryGetValue((store, resourceId), out var waiters))
            {
                _waiting[(store, resourceId)] = waiters = new Waiters();
            }
            waiters.Count++;
            return waiters;
        }
    }

    private void Leave(string store, string resourceId, Waiters waiters)
    {
        _slots.Release(store);
        lock (_gate)
        {
            if (--waiters.Count == 0)
            {
                _waiting.Remove((store, resourceId));
            }
        }
    }

    /// <summary>The acquires waiting for one resource, and the signal of its next release.</summary>
    private sealed class Waiters
    {
        private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>How many wait (under the service's gate).</summary>
        public int Count { get; set; }

        /// <summary>Completes at the next release.</summary>
        public Task Released => Volatile.Read(ref _released).Task;

        /// <summary>Wakes every acquire waiting for the current signal and arms the next.</summary>
        public void Release() => Interlocked.Exchange(ref _released, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
