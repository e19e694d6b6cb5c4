using System.Text;
using CloudRuntimes.Components.Composition;
using CloudRuntimes.Components.Redis;
using CloudRuntimes.State;
using CloudRuntimes.Tests.Support;
using StackExchange.Redis;

namespace CloudRuntimes.Tests.Redis;

/// <summary>Redis component configuration: Dapr's key prefix, app-scoped locks, and a clear error when Redis is unreachable.</summary>
public sealed class RedisComponentTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task State_keys_are_prefixed_with_the_app_id_unless_key_prefix_says_otherwise()
    {
        Assert.SkipWhen(redis.SkipReason is not null, redis.SkipReason ?? "");
        var builder = new CloudRuntimesBuilder("checkout").AddRedisComponents();
        builder.AddComponent("default", "state.redis", redis.Metadata)
            .AddComponent("none", "state.redis", new Dictionary<string, string>(redis.Metadata) { ["keyPrefix"] = "none" })
            .AddComponent("custom", "state.redis", new Dictionary<string, string>(redis.Metadata) { ["keyPrefix"] = "shared" });
        await using var components = await builder.BuildAsync();
        var key = Guid.NewGuid().ToString("N");

        await components.GetStateStore("default").SaveAsync(new SaveStateItem(key, Encoding.UTF8.GetBytes("a")));
        await components.GetStateStore("none").SaveAsync(new SaveStateItem(key, Encoding.UTF8.GetBytes("b")));
        await components.GetStateStore("custom").SaveAsync(new SaveStateItem(key, Encoding.UTF8.GetBytes("c")));

        await using var raw = await ConnectionMultiplexer.ConnectAsync(redis.Host);
        var db = raw.GetDatabase();
        Assert.Equal("a", (string?)await db.HashGetAsync($"checkout||{key}", "data"));
        Assert.Equal("b", (string?)await db.HashGetAsync(key, "data"));
        Assert.Equal("c", (string?)await db.HashGetAsync($"shared||{key}", "data"));
    }

    [Fact]
    public async Task Stream_entries_are_trimmed_once_every_consumer_group_has_acknowledged_them()
    {
        Assert.SkipWhen(redis.SkipReason is not null, redis.SkipReason ?? "");
        var builder = new CloudRuntimesBuilder("checkout").AddRedisComponents();
        builder.AddComponent("pubsub", "pubsub.redis", redis.Metadata);
        await using var components = await builder.BuildAsync();
        var pubsub = components.GetPubSub("pubsub");
        var topic = "trim-" + Guid.NewGuid().ToString("N");
        await using var raw = await ConnectionMultiplexer.ConnectAsync(redis.Host);
        var db = raw.GetDatabase();
        var fast = 0;
        await using var fastGroup = await pubsub.SubscribeAsync(new PubSub.TopicSubscription(topic, "fast"), (_, _) => { Interlocked.Increment(ref fast); return Task.FromResult(PubSub.DeliveryStatus.Success); });
        var slowGate = new TaskCompletionSource();
        var slow = 0;
        var slowGroup = await pubsub.SubscribeAsync(new PubSub.TopicSubscription(topic, "slow"), async (_, _) =>
        {
            await slowGate.Task;
            Interlocked.Increment(ref slow);
            return PubSub.DeliveryStatus.Success;
        });

        for (var i = 0; i < 5; i++)
        {
            await pubsub.PublishAsync(new PubSub.PublishRequest(topic, Encoding.UTF8.GetBytes($"m{i}")));
        }
        await Conformance.Eventually.HoldsAsync(() => Volatile.Read(ref fast) == 5, TimeSpan.FromSeconds(10), "the fast group to acknowledge all five");
        Assert.Equal(5, await db.StreamLengthAsync(topic));

        slowGate.SetResult();
        await Conformance.Eventually.HoldsAsync(() => Volatile.Read(ref slow) == 5, TimeSpan.FromSeconds(10), "the slow group to acknowledge all five");
        await slowGroup.DisposeAsync();
        Assert.InRange(await db.StreamLengthAsync(topic), 0, 1);
    }

    [Fact]
    public async Task Unreachable_redis_fails_naming_the_component_and_the_host()
    {
        var port = FreePorts.Next();
        var builder = new CloudRuntimesBuilder("app").AddRedisComponents();
        builder.AddComponent("cache", "state.redis", new Dictionary<string, string> { ["redisHost"] = $"127.0.0.1:{port}", ["dialTimeout"] = "1s" });

        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => builder.BuildAsync());

        Assert.Contains("'cache'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
    }
}
