using System.Collections.Concurrent;
using System.Text;
using CloudRuntimes.Components.PubSub;
using CloudRuntimes.PubSub;
using CloudRuntimes.Tests.Conformance;
using Microsoft.Extensions.Logging.Abstractions;

namespace CloudRuntimes.Tests.BuiltIn;

/// <summary>
/// How <see cref="TopicLogPubSub"/> writes acknowledgements to its log: each one goes with the lease that follows it
/// (one write per batch instead of two), the lease follows soon after the topic goes quiet, and stopping writes the
/// last one. The log is the real in-memory log, wrapped to record the acknowledgements it is asked for.
/// </summary>
public sealed class SettlementTests : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly RecordingLog _log = new(new InMemoryTopicLog());
    private readonly TopicLogPubSub _pubsub;

    public SettlementTests() => _pubsub = new TopicLogPubSub(_log, "pubsub", "app", NullLogger.Instance);

    public ValueTask DisposeAsync() => _pubsub.DisposeAsync();

    [Fact]
    public async Task Handled_message_is_acknowledged_soon_after_the_topic_goes_quiet_while_the_subscription_runs()
    {
        var handled = new TaskCompletionSource<string>();
        await using var subscription = await _pubsub.SubscribeAsync(new TopicSubscription("orders"), (m, _) =>
        {
            handled.TrySetResult(m.Id);
            return Task.FromResult(DeliveryStatus.Success);
        });

        var id = await _pubsub.PublishAsync(new PublishRequest("orders", Encoding.UTF8.GetBytes("one")));
        Assert.Equal(id, await handled.Task.WaitAsync(Wait));

        // The subscription's wait for the next publish lasts 5 ms; a second is far more than the lease after it needs.
        await Eventually.HoldsAsync(() => _log.Acknowledged.Contains(id), TimeSpan.FromSeconds(1), "the acknowledgement of the only message");
        Assert.Equal(0, _log.AcknowledgeCalls);
    }

    [Fact]
    public async Task Each_acknowledgement_goes_with_the_next_lease_and_stopping_writes_the_last_one()
    {
        var handled = new ConcurrentQueue<string>();
        var next = new SemaphoreSlim(0);
        var subscription = await _pubsub.SubscribeAsync(new TopicSubscription("orders"), (m, _) =>
        {
            handled.Enqueue(m.Id);
            next.Release();
            return Task.FromResult(DeliveryStatus.Success);
        });
        var ids = new List<string>();

        // One message at a time, each published once the one before it was handled.
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await _pubsub.PublishAsync(new PublishRequest("orders", Encoding.UTF8.GetBytes($"message-{i}"))));
            Assert.True(await next.WaitAsync(Wait), $"message {i} was not delivered");
        }
        await Eventually.HoldsAsync(() => _log.Acknowledged.Count == 5, TimeSpan.FromSeconds(1), () => $"5 acknowledgements, got {_log.Acknowledged.Count}");
        await subscription.DisposeAsync();

        Assert.Equal(ids, handled);
        Assert.Equal(ids, _log.Acknowledged);
        Assert.Equal(0, _log.AcknowledgeCalls); // every acknowledgement went with a lease; none was left for the stop
    }

    [Fact]
    public async Task Stopping_acknowledges_the_message_handled_last()
    {
        var release = new TaskCompletionSource();
        var started = new TaskCompletionSource<string>();
        var subscription = await _pubsub.SubscribeAsync(new TopicSubscription("orders"), async (m, _) =>
        {
            started.TrySetResult(m.Id);
            await release.Task;
            return DeliveryStatus.Success;
        });
        var id = await _pubsub.PublishAsync(new PublishRequest("orders", Encoding.UTF8.GetBytes("one")));
        Assert.Equal(id, await started.Task.WaitAsync(Wait));

        var stopping = subscription.DisposeAsync().AsTask();
        release.SetResult();
        await stopping.WaitAsync(Wait);

        Assert.Equal([id], _log.Acknowledged);
        Assert.Equal(1, _log.AcknowledgeCalls);
    }

    /// <summary>The in-memory log, recording the ids of the messages it is asked to acknowledge, in order.</summary>
    private sealed class RecordingLog(ITopicLog inner) : ITopicLog
    {
        private int _acknowledgeCalls;

        public ConcurrentQueue<string> Acknowledged { get; } = new();

        public int AcknowledgeCalls => Volatile.Read(ref _acknowledgeCalls);

        public Task AppendAsync(string topic, StoredMessage message, CancellationToken cancellationToken) => inner.AppendAsync(topic, message, cancellationToken);

        public Task JoinAsync(string topic, string group, CancellationToken cancellationToken) => inner.JoinAsync(topic, group, cancellationToken);

        public Task<IReadOnlyList<LeasedMessage>> LeaseAsync(string topic, string group, string consumer, int maxCount, TimeSpan leaseDuration, LeasedMessage? acknowledge, CancellationToken cancellationToken)
        {
            if (acknowledge is not null)
            {
                Acknowledged.Enqueue(acknowledge.Message.Id);
            }
            return inner.LeaseAsync(topic, group, consumer, maxCount, leaseDuration, acknowledge, cancellationToken);
        }

        public Task AcknowledgeAsync(string topic, string group, string consumer, LeasedMessage message, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _acknowledgeCalls);
            Acknowledged.Enqueue(message.Message.Id);
            return inner.AcknowledgeAsync(topic, group, consumer, message, cancellationToken);
        }

        public Task ReleaseAsync(string topic, string group, string consumer, LeasedMessage message, TimeSpan delay, CancellationToken cancellationToken) =>
            inner.ReleaseAsync(topic, group, consumer, message, delay, cancellationToken);

        public Task LeaveAsync(string topic, string group, string consumer, CancellationToken cancellationToken) => inner.LeaveAsync(topic, group, consumer, cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
