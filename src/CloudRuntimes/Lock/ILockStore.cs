namespace CloudRuntimes.Lock;

/// <summary>
/// A distributed lock store (Dapr <c>/v1.0-alpha1/lock/{store}</c>). Locks are non-blocking, not re-entrant,
/// owned by a caller-chosen owner id and released automatically after their expiry.
/// </summary>
public interface ILockStore
{
    /// <summary>Tries to acquire a lock without waiting.</summary>
    /// <param name="request">Resource, owner and expiry.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when acquired; false when held (by anyone, including the same owner).</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.MalformedRequest"/> for an empty resource or owner or an expiry ≤ 0; <see cref="CloudRuntimesErrors.TryLock"/> on back-end failure.</exception>
    Task<bool> TryLockAsync(TryLockRequest request, CancellationToken cancellationToken = default);

    /// <summary>Releases a lock held by <see cref="UnlockRequest.LockOwner"/>.</summary>
    /// <param name="request">Resource and owner.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The outcome.</returns>
    Task<UnlockStatus> UnlockAsync(UnlockRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Extends a lock its owner still holds: it expires <see cref="TryLockRequest.ExpiryInSeconds"/> from now (a Cloud
    /// Runtimes extension, served as <c>POST /v1.0-alpha1/lock/{store}/renew</c>; Dapr has no renewal, see
    /// dapr/proposals#43). A lock that has expired is not renewed: it may already be someone else's.
    /// </summary>
    /// <param name="request">Resource, owner and the new expiry in seconds (positive).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see cref="RenewLockStatus.Success"/>, <see cref="RenewLockStatus.LockDoesNotExist"/> (never taken, released or expired) or <see cref="RenewLockStatus.LockBelongsToOthers"/> (nothing changed).</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.MalformedRequest"/> as for <see cref="TryLockAsync"/>; <see cref="CloudRuntimesErrors.TryLock"/> on back-end failure.</exception>
    Task<RenewLockStatus> RenewAsync(TryLockRequest request, CancellationToken cancellationToken = default);
}

/// <summary>A lock request (Dapr <c>{"resourceId", "lockOwner", "expiryInSeconds"}</c>).</summary>
/// <param name="ResourceId">What to lock.</param>
/// <param name="LockOwner">Who locks (a unique id chosen by the caller).</param>
/// <param name="ExpiryInSeconds">Seconds until the lock is released automatically; must be positive.</param>
public sealed record TryLockRequest(string ResourceId, string LockOwner, int ExpiryInSeconds);

/// <summary>An unlock request.</summary>
/// <param name="ResourceId">The locked resource.</param>
/// <param name="LockOwner">The owner that holds it.</param>
public sealed record UnlockRequest(string ResourceId, string LockOwner);

/// <summary>Outcome of a lock renewal (numbered as <see cref="UnlockStatus"/>).</summary>
public enum RenewLockStatus
{
    /// <summary>Renewed: the lock now expires the requested time from now.</summary>
    Success = 0,

    /// <summary>No such lock (never taken, released, or expired).</summary>
    LockDoesNotExist = 1,

    /// <summary>The lock is held by another owner; nothing changed.</summary>
    LockBelongsToOthers = 2,

    /// <summary>The store failed.</summary>
    InternalError = 3,
}

/// <summary>Outcome of an unlock (Dapr's numeric status).</summary>
public enum UnlockStatus
{
    /// <summary>Released.</summary>
    Success = 0,

    /// <summary>No such lock (never taken, released, or expired).</summary>
    LockDoesNotExist = 1,

    /// <summary>The lock is held by another owner; nothing changed.</summary>
    LockBelongsToOthers = 2,

    /// <summary>The store failed.</summary>
    InternalError = 3,
}
