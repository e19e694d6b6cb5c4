using System.Collections.Concurrent;

namespace CloudRuntimes.Host.Blocks;

/// <summary>A streaming subscription (Dapr <c>SubscribeTopicEventsAlpha1</c>) while its stream is open, as the metadata API lists it.</summary>
/// <param name="PubSubName">The pub/sub component.</param>
/// <param name="Topic">The topic.</param>
/// <param name="DeadLetterTopic">Where dropped or exhausted events go; null for none.</param>
/// <param name="Metadata">The subscription's metadata.</param>
internal sealed record StreamingSubscription(string PubSubName, string Topic, string? DeadLetterTopic, IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// The streaming subscriptions open now (type <c>STREAMING</c> in the metadata API), at most
/// <see cref="RuntimeLimits.MaxStreamingSubscriptions"/> at once over all pub/subs and connections: 30,000 streams took
/// 925 MB, bounded before only by Kestrel's 100 streams per connection times <c>--max-connections</c>.
/// </summary>
internal sealed class StreamingSubscriptions(RuntimeOptions options)
{
    private readonly ConcurrentDictionary<long, StreamingSubscription> _open = new();
    private readonly System.Threading.Lock _gate = new();
    private long _next;

    /// <summary>The open subscriptions, in the order they were opened.</summary>
    public IReadOnlyList<StreamingSubscription> All => [.. _open.OrderBy(p => p.Key).Select(p => p.Value)];

    /// <summary>Lists a subscription until the returned handle is disposed; take it before subscribing.</summary>
    /// <exception cref="CloudRuntimesException">
    /// <see cref="CloudRuntimesErrors.StreamingSubscriptionLimit"/> while <see cref="RuntimeLimits.MaxStreamingSubscriptions"/> are open.
    /// </exception>
    public IDisposable Add(StreamingSubscription subscription)
    {
        var id = Interlocked.Increment(ref _next);
        lock (_gate)
        {
            var limit = options.Limits.MaxStreamingSubscriptions;
            if (_open.Count >= limit)
            {
                throw new CloudRuntimesException(CloudRuntimesErrors.StreamingSubscriptionLimit,
                    $"subscription to topic {subscription.Topic} of {subscription.PubSubName} refused: {limit:N0} streaming subscriptions are open, the most allowed (--max-streaming-subscriptions); close one first");
            }
            _open[id] = subscription;
        }
        return new Registration(() => _open.TryRemove(id, out _));
    }

    private sealed class Registration(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }
}
