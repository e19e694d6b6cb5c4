using CloudRuntimes.Components;
using CloudRuntimes.Components.Composition;
using CloudRuntimes.Lock;

namespace CloudRuntimes.Tests.Conformance;

/// <summary>
/// The lock store conformance suite (Dapr <c>tests/conformance/lock</c>, checks LK-02 … LK-05 of the reference,
/// plus request validation): exclusive and non-re-entrant locks, unlock statuses, expiry.
/// </summary>
public abstract class LockStoreConformance : ComponentConformance<ILockStore>
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    /// <inheritdoc />
    protected override ILockStore Resolve(CloudRuntimesComponents components, string name) => components.GetLockStore(name);

    private ILockStore Locks => Component;

    private string Resource(string name) => $"{_run}-{name}";

    [Fact]
    public async Task Lock_is_exclusive_and_not_reentrant()
    {
        Assert.True(await Locks.TryLockAsync(new TryLockRequest(Resource("key1"), "conftest", 15)));

        Assert.False(await Locks.TryLockAsync(new TryLockRequest(Resource("key1"), "conftest", 15)));
        Assert.False(await Locks.TryLockAsync(new TryLockRequest(Resource("key1"), "someone-else", 15)));
        Assert.True(await Locks.TryLockAsync(new TryLockRequest(Resource("key2"), "someone-else", 15)));
    }

    [Fact]
    public async Task Unlock_reports_missing_lock_other_owner_and_success()
    {
        await Locks.TryLockAsync(new TryLockRequest(Resource("key1"), "conftest", 15));

        Assert.Equal(UnlockStatus.LockDoesNotExist, await Locks.UnlockAsync(new UnlockRequest(Resource("nonexistent"), "conftest")));
        Assert.Equal(UnlockStatus.LockBelongsToOthers, await Locks.UnlockAsync(new UnlockRequest(Resource("key1"), "nonowner")));
        Assert.Equal(UnlockStatus.Success, await Locks.UnlockAsync(new UnlockRequest(Resource("key1"), "conftest")));
        Assert.Equal(UnlockStatus.LockDoesNotExist, await Locks.UnlockAsync(new UnlockRequest(Resource("key1"), "conftest")));
    }

    [Fact]
    public async Task Released_lock_can_be_taken_by_another_owner()
    {
        await Locks.TryLockAsync(new TryLockRequest(Resource("r"), "first", 15));
        await Locks.UnlockAsync(new UnlockRequest(Resource("r"), "first"));

        Assert.True(await Locks.TryLockAsync(new TryLockRequest(Resource("r"), "second", 15)));
    }

    [Fact]
    public async Task Lock_expires_after_its_expiry()
    {
        Assert.True(await Locks.TryLockAsync(new TryLockRequest(Resource("key2"), "conftest", 2)));
        Assert.False(await Locks.TryLockAsync(new TryLockRequest(Resource("key2"), "other", 2)));

        await Eventually.HoldsAsync(() => Locks.TryLockAsync(new TryLockRequest(Resource("key2"), "other", 15)), TimeSpan.FromSeconds(6), "the 2 s lock to expire");
        Assert.Equal(UnlockStatus.LockBelongsToOthers, await Locks.UnlockAsync(new UnlockRequest(Resource("key2"), "conftest")));
    }

    [Theory]
    [InlineData("", "owner", 10)]
    [InlineData("resource", "", 10)]
    [InlineData("resource", "owner", 0)]
    [InlineData("resource", "owner", -5)]
    public async Task Invalid_lock_request_is_rejected(string resource, string owner, int expiry)
    {
        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => Locks.TryLockAsync(new TryLockRequest(resource, owner, expiry)));

        Assert.Equal(CloudRuntimesErrors.MalformedRequest.Code, error.ErrorCode);
    }

    [Fact]
    public async Task Owner_renews_its_lock_and_nobody_else_can()
    {
        Assert.True(await Locks.TryLockAsync(new TryLockRequest(Resource("lease"), "worker-1", 2)));

        Assert.Equal(RenewLockStatus.LockBelongsToOthers, await Locks.RenewAsync(new TryLockRequest(Resource("lease"), "worker-2", 15)));
        Assert.Equal(RenewLockStatus.Success, await Locks.RenewAsync(new TryLockRequest(Resource("lease"), "worker-1", 15)));
        await Task.Delay(2500);

        // Without the renewal the 2 s lock would have expired by now.
        Assert.False(await Locks.TryLockAsync(new TryLockRequest(Resource("lease"), "worker-2", 15)));
        Assert.Equal(UnlockStatus.Success, await Locks.UnlockAsync(new UnlockRequest(Resource("lease"), "worker-1")));
    }

    [Fact]
    public async Task Missing_or_expired_lock_is_not_renewed()
    {
        Assert.Equal(RenewLockStatus.LockDoesNotExist, await Locks.RenewAsync(new TryLockRequest(Resource("never"), "worker-1", 15)));
        Assert.True(await Locks.TryLockAsync(new TryLockRequest(Resource("short"), "worker-1", 1)));

        await Task.Delay(1600);

        Assert.Equal(RenewLockStatus.LockDoesNotExist, await Locks.RenewAsync(new TryLockRequest(Resource("short"), "worker-1", 15)));
        Assert.True(await Locks.TryLockAsync(new TryLockRequest(Resource("short"), "worker-2", 15)));
    }

    [Fact]
    public async Task Waiting_acquire_gets_the_lock_once_its_holder_releases_it()
    {
        Assert.True(await Locks.TryLockAsync(new TryLockRequest(Resource("queue"), "first", 15)));

        var waiting = Locks.LockAsync(new TryLockRequest(Resource("queue"), "second", 15), TimeSpan.FromSeconds(10));
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);
        await Locks.UnlockAsync(new UnlockRequest(Resource("queue"), "first"));

        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(RenewLockStatus.Success, await Locks.RenewAsync(new TryLockRequest(Resource("queue"), "second", 15)));
    }

    [Fact]
    public async Task Waiting_acquire_gives_up_when_its_timeout_passes()
    {
        Assert.True(await Locks.TryLockAsync(new TryLockRequest(Resource("busy"), "first", 15)));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        Assert.False(await Locks.LockAsync(new TryLockRequest(Resource("busy"), "second", 15), TimeSpan.FromMilliseconds(600)));

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(550), TimeSpan.FromSeconds(5));
    }
}
