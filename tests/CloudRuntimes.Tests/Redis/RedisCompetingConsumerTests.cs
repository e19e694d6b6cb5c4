using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using CloudRuntimes.Components.Composition;
using CloudRuntimes.Components.Redis;
using CloudRuntimes.PubSub;
using CloudRuntimes.Tests.Conformance;
using CloudRuntimes.Tests.Support;

namespace CloudRuntimes.Tests.Redis;

/// <summary>
/// <c>pubsub.redis</c> with the replicas of one app as competing consumers of one group: messages split between them,
/// each handled once, and the messages a hung or dead replica holds claimed by the others within <c>processingTimeout</c>.
/// Each replica is a component set of its own on the same redis-server, as separate server processes would be.
/// </summary>
public sealed class RedisCompetingConsumerTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private readonly string _topic = "orders-" + Guid.NewGuid().ToString("N");

    private async Task<CloudRuntimesComponents> ReplicaAsync(string processingTimeout = "60s")
    {
        var builder = new CloudRuntimesBuilder("shop").AddRedisComponents();
        builder.AddComponent("pubsub", "pubsub.redis", new Dictionary<string, string>(redis.Metadata) { ["processingTimeout"] = processingTimeout });
        return await builder.BuildAsync();
    }

    private static string Text(TopicMessage message) => Encoding.UTF8.GetString(message.Data.Span);

    [Fact]
    public async Task Replicas_of_an_app_split_a_topic_and_each_message_is_handled_once()
    {
        Assert.SkipWhen(redis.SkipReason is not null, redis.SkipReason ?? "");
        await using var first = await ReplicaAsync();
        await using var second = await ReplicaAsync();
        var received = new ConcurrentQueue<(int Replica, string Text)>();
        TopicMessageHandler Handler(int replica) => async (m, token) =>
        {
            received.Enqueue((replica, Text(m)));
            await Task.Delay(2, token);
            return DeliveryStatus.Success;
        };
        await using var a = await first.GetPubSub("pubsub").SubscribeAsync(new TopicSubscription(_topic), Handler(1));
        await using var b = await second.GetPubSub("pubsub").SubscribeAsync(new TopicSubscription(_topic), Handler(2));

        var expected = Enumerable.Range(0, 300).Select(i => $"m{i}").ToList();
        foreach (var text in expected)
        {
            await first.GetPubSub("pubsub").PublishAsync(new PublishRequest(_topic, Encoding.UTF8.GetBytes(text)));
        }

        await Eventually.HoldsAsync(() => received.Count >= expected.Count, TimeSpan.FromSeconds(30), () => $"300 deliveries, got {received.Count}");
        await Task.Delay(500);
        Assert.Equal(expected.Order(), received.Select(r => r.Text).Order());
        Assert.Contains(received, r => r.Replica == 1);
        Assert.Contains(received, r => r.Replica == 2);
    }

    [Fact]
    public async Task Messages_held_by_a_hung_replica_are_claimed_by_another_after_the_processing_timeout()
    {
        Assert.SkipWhen(redis.SkipReason is not null, redis.SkipReason ?? "");
        await using var hung = await ReplicaAsync("2s");
        await using var healthy = await ReplicaAsync("2s");
        for (var i = 0; i < 5; i++)
        {
            await hung.GetPubSub("pubsub").PublishAsync(new PublishRequest(_topic, Encoding.UTF8.GetBytes($"m{i}")));
        }
        var stuck = new TaskCompletionSource<DeliveryStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        var taken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The hung replica leases the whole backlog and never answers for its first message.
        await using var never = await hung.GetPubSub("pubsub").SubscribeAsync(new TopicSubscription(_topic), (_, token) => { taken.TrySetResult(); return stuck.Task.WaitAsync(token); });
        await taken.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var clock = Stopwatch.StartNew();
        var received = new ConcurrentDictionary<string, int>();
        await using var claimer = await healthy.GetPubSub("pubsub").SubscribeAsync(new TopicSubscription(_topic), (m, _) =>
        {
            received[Text(m)] = m.DeliveryAttempt;
            return Task.FromResult(DeliveryStatus.Success);
        });

        await Eventually.HoldsAsync(() => received.Count == 5, TimeSpan.FromSeconds(15), () => $"the five messages at the healthy replica, got {string.Join(",", received.Keys)}");
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(12));
        // m0 was with the hung handler (a delivery counted); the others were leased with it but never handed over.
        Assert.Equal(2, received["m0"]);
        Assert.All(Enumerable.Range(1, 4), i => Assert.Equal(1, received[$"m{i}"]));
        stuck.SetResult(DeliveryStatus.Success);
    }
}
