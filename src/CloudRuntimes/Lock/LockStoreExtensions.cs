using System.Diagnostics;

namespace CloudRuntimes.Lock;

/// <summary>Waiting for a lock over any <see cref="ILockStore"/> (a Cloud Runtimes extension; Dapr's lock is non-blocking only).</summary>
public static class LockStoreExtensions
{
    /// <summary>The first pause between attempts: 10 ms, doubling up to <see cref="MaxPause"/>.</summary>
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(10);

    /// <summary>The longest pause between attempts: 250 ms.</summary>
    private static readonly TimeSpan MaxPause = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Acquires a lock, waiting up to <paramref name="timeout"/> for its holder to release it or for it to expire (served as
    /// <c>POST /v1.0-alpha1/lock/{store}/acquire</c>). Attempts are <see cref="ILockStore.TryLockAsync"/> calls, 10 ms apart at
    /// first and then further apart, up to 250 ms; the last one is made when the timeout ends.
    /// </summary>
    /// <param name="store">The lock store.</param>
    /// <param name="request">Resource, owner and expiry of the lock once taken.</param>
    /// <param name="timeout">How long to wait at most; <see cref="TimeSpan.Zero"/> tries once.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>True when acquired; false when the timeout passed first.</returns>
    /// <exception cref="CloudRuntimesException">What <see cref="ILockStore.TryLockAsync"/> throws (a malformed request, a back-end failure).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative.</exception>
    public static Task<bool> LockAsync(this ILockStore store, TryLockRequest request, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        store.LockAsync(request, timeout, Task.Delay, cancellationToken);

    /// <summary>
    /// Acquires a lock as <see cref="LockAsync(ILockStore, TryLockRequest, TimeSpan, CancellationToken)"/> does, pausing
    /// between attempts with <paramref name="pause"/>: given the pause (10 ms at first, doubling up to 250 ms, never past
    /// the timeout), it may end sooner — when the holder is known to have released the lock — so that the next attempt
    /// comes at once.
    /// </summary>
    /// <param name="store">The lock store.</param>
    /// <param name="request">Resource, owner and expiry of the lock once taken.</param>
    /// <param name="timeout">How long to wait at most; <see cref="TimeSpan.Zero"/> tries once.</param>
    /// <param name="pause">Waits at most the time given, or until the token is cancelled (then throws <see cref="OperationCanceledException"/>).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>True when acquired; false when the timeout passed first.</returns>
    /// <exception cref="CloudRuntimesException">What <see cref="ILockStore.TryLockAsync"/> throws (a malformed request, a back-end failure).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative.</exception>
    public static async Task<bool> LockAsync(this ILockStore store, TryLockRequest request, TimeSpan timeout, Func<TimeSpan, CancellationToken, Task> pause, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(pause);
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        var started = Stopwatch.GetTimestamp();
        var next = FirstPause;
        while (true)
        {
            if (await store.TryLockAsync(request, cancellationToken).ConfigureAwait(false))
            {
                return true;
            }
            var left = timeout - Stopwatch.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                return false;
            }
            await pause(next < left ? next : left, cancellationToken).ConfigureAwait(false);
            next = next * 2 < MaxPause ? next * 2 : MaxPause;
        }
    }
}
