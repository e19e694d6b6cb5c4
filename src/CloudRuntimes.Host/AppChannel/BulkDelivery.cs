using CloudRuntimes.PubSub;

namespace CloudRuntimes.Host.AppChannel;

/// <summary>A subscription's bulk options (Dapr <c>bulkSubscribe</c>): events per request and how long a request waits to fill.</summary>
/// <param name="MaxMessages">Most events in one request (Dapr <c>maxMessagesCount</c>, default 100).</param>
/// <param name="MaxAwait">Longest wait for more events before sending what there is (Dapr <c>maxAwaitDurationMs</c>, default 1 s).</param>
internal sealed record BulkOptions(int MaxMessages, TimeSpan MaxAwait)
{
    public const int DefaultMaxMessages = 100;

    public static readonly TimeSpan DefaultMaxAwait = TimeSpan.FromMilliseconds(1000);
}

/// <summary>
/// Delivers a bulk subscription's events to one app path in batches (Dapr bulk subscribe): events handed over together
/// are sent as one request (<see cref="IAppChannel.DeliverBulkAsync"/>: over HTTP a <c>com.dapr.event.sent.bulk</c> body
/// answered <c>{"statuses"}</c>, over gRPC <c>OnBulkTopicEvent</c>) once <see cref="BulkOptions.MaxMessages"/> are waiting
/// or <see cref="BulkOptions.MaxAwait"/> has passed since the first. An entry the answer does not mention, or a request
/// that fails, is retried.
/// </summary>
internal sealed class BulkDelivery(AppSubscription subscription, BulkOptions options, string path, IAppChannel channel, ILogger logger)
{
    private readonly System.Threading.Lock _gate = new();
    private List<PendingEntry> _waiting = [];
    private Timer? _timer;

    /// <summary>Queues an event; completes with its status once the request that carries it is answered.</summary>
    public Task<DeliveryStatus> DeliverAsync(TopicMessage message, byte[] envelope, CancellationToken cancellationToken)
    {
        var entry = new PendingEntry(message, envelope, new TaskCompletionSource<DeliveryStatus>(TaskCreationOptions.RunContinuationsAsynchronously));
        List<PendingEntry>? full = null;
        lock (_gate)
        {
            _waiting.Add(entry);
            if (_waiting.Count >= options.MaxMessages)
            {
                full = TakeWaiting();
            }
            else
            {
                _timer ??= new Timer(_ => Flush(), null, options.MaxAwait, Timeout.InfiniteTimeSpan);
            }
        }
        if (full is not null)
        {
            _ = SendAsync(full);
        }
        return entry.Status.Task.WaitAsync(cancellationToken);
    }

    private void Flush()
    {
        List<PendingEntry> batch;
        lock (_gate)
        {
            batch = TakeWaiting();
        }
        if (batch.Count > 0)
        {
            _ = SendAsync(batch);
        }
    }

    private List<PendingEntry> TakeWaiting()
    {
        var batch = _waiting;
        _waiting = [];
        _timer?.Dispose();
        _timer = null;
        return batch;
    }

    private async Task SendAsync(List<PendingEntry> batch)
    {
        IReadOnlyDictionary<string, DeliveryStatus> statuses;
        try
        {
            statuses = await channel.DeliverBulkAsync(subscription, path, [.. batch.Select(entry => new BulkEntry(entry.Message, entry.Envelope))], CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whatever went wrong, every event of the request must get an answer, or its delivery would wait forever.
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.LogWarning("bulk delivery of {Count} event(s) on {Topic} to {Path} failed: {Error}", batch.Count, subscription.Topic, path, e.Message);
            statuses = new Dictionary<string, DeliveryStatus>();
        }
        foreach (var entry in batch)
        {
            entry.Status.TrySetResult(statuses.GetValueOrDefault(entry.Message.Id, DeliveryStatus.Retry));
        }
    }

    private sealed record PendingEntry(TopicMessage Message, byte[] Envelope, TaskCompletionSource<DeliveryStatus> Status);
}
