using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CloudRuntimes.Client;
using CloudRuntimes.Lock;
using CloudRuntimes.State;

namespace CloudRuntimes.Host.Tests;

/// <summary>The Cloud Runtimes extensions of issue #17 against the real server: state key listing, lock renewal and waiting acquire.</summary>
[Collection(RuntimeGroup.Name)]
public sealed class KeyListingAndLeaseTests(RuntimeProcesses runtime)
{
    private Uri Url(string path) => new(runtime.RuntimeEndpoint, path);

    [Fact]
    public async Task Keys_are_listed_page_by_page_through_the_client()
    {
        using var client = new CloudRuntimesClient(runtime.RuntimeEndpoint);
        var prefix = "keys-" + Guid.NewGuid().ToString("N") + "/";
        await client.State.SaveAsync("statestore", [.. new[] { "c", "a", "b" }.Select(k => new SaveStateItem(prefix + k, "1"u8.ToArray()))]);

        var first = await client.State.ListKeysAsync("statestore", new StateKeyQuery(prefix, 2));
        var second = await client.State.ListKeysAsync("statestore", new StateKeyQuery(prefix, 2, first.ContinuationToken));

        Assert.Equal([prefix + "a", prefix + "b"], first.Keys);
        Assert.NotNull(first.ContinuationToken);
        Assert.Equal([prefix + "c"], second.Keys);
        Assert.Null(second.ContinuationToken);
    }

    [Theory]
    [InlineData("limit=abc")]
    [InlineData("limit=-1")]
    [InlineData("limit=100000")]
    [InlineData("continuationToken=%00%FF*")]
    public async Task Hostile_key_listing_queries_are_400_malformed(string query)
    {
        using var response = await runtime.Http.GetAsync(Url($"v1.0-alpha1/state/statestore/keys?{query}"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("ERR_MALFORMED_REQUEST", (await response.Content.ReadFromJsonAsync<JsonObject>())!["errorCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_lock_is_renewed_by_its_owner_and_a_waiting_acquire_gets_it_once_released()
    {
        using var client = new CloudRuntimesClient(runtime.RuntimeEndpoint);
        var resource = "lease-" + Guid.NewGuid().ToString("N");
        Assert.True(await client.Lock.TryLockAsync("lockstore", new TryLockRequest(resource, "a", 30)));
        Assert.Equal(RenewLockStatus.LockBelongsToOthers, await client.Lock.RenewAsync("lockstore", new TryLockRequest(resource, "b", 30)));
        Assert.Equal(RenewLockStatus.Success, await client.Lock.RenewAsync("lockstore", new TryLockRequest(resource, "a", 30)));

        Assert.False(await client.Lock.LockAsync("lockstore", new TryLockRequest(resource, "b", 30), TimeSpan.FromMilliseconds(300)));
        var waiting = client.Lock.LockAsync("lockstore", new TryLockRequest(resource, "b", 30), TimeSpan.FromSeconds(20));
        await Task.Delay(200);
        Assert.Equal(UnlockStatus.Success, await client.Lock.UnlockAsync("lockstore", new UnlockRequest(resource, "a")));

        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(RenewLockStatus.LockDoesNotExist, await client.Lock.RenewAsync("lockstore", new TryLockRequest(resource + "-none", "b", 30)));
    }

    [Theory]
    [InlineData("""{"resourceId":"r","lockOwner":"o","expiryInSeconds":10,"timeoutInSeconds":100000}""")]
    [InlineData("""{"resourceId":"r","lockOwner":"o","expiryInSeconds":10,"timeoutInSeconds":-1}""")]
    [InlineData("""{"resourceId":"r","lockOwner":"o","expiryInSeconds":10}""")]
    [InlineData("""{"resourceId":"","lockOwner":"o","expiryInSeconds":10,"timeoutInSeconds":1}""")]
    public async Task Hostile_acquire_bodies_are_400_malformed(string body)
    {
        using var response = await runtime.Http.PostAsync(Url("v1.0-alpha1/lock/lockstore/acquire"), new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("ERR_MALFORMED_REQUEST", (await response.Content.ReadFromJsonAsync<JsonObject>())!["errorCode"]!.GetValue<string>());
    }
}
