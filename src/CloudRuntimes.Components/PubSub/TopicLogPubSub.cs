using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using CloudRuntimes.Components.Hosting;
using CloudRuntimes.PubSub;
using CloudRuntimes.Telemetry;
using Microsoft.Extensions.Logging;

namespace CloudRuntimes.Components.PubSub;

/// <summary>
/// The pub/sub building block over an <see cref="ITopicLog"/>: at-least-once delivery in publish order per
/// consumer group, redelivery after <see cref="DeliveryStatus.Retry"/> or a handler exception, dead-letter
/// after <see cref="TopicSubscription.MaxDeliveryAttempts"/> or <see cref="DeliveryStatus.Drop"/>, TTL expiry.
/// </summary>
public sealed class TopicLogPubSub : IPubSub, IAsyncDisposable
{
    private static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan MaxIdleWait = TimeSpan.FromMilliseconds(250);

    private readonly ITopicLog _log;
    private readonly string _componentName;
    private readonly string _defaultGroup;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, TopicSignal> _signals = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Subscriber, byte> _subscribers = new();

    /// <summary>Creates the building block over a log.</summary>
    /// <param name="log">The back end's topic log (disposed with this object).</param>
    /// <param name="componentName">Component name, for telemetry and logs.</param>
    /// <param name="defaultGroup">Consumer group when a subscription names none (the app id).</param>
    /// <param name="logger">Logger.</param>
    public TopicLogPubSub(ITopicLog log, string componentName, string defaultGroup, ILogger logger)
    {
        _log = log;
        _componentName = componentName;
        _defaultGroup = defaultGroup;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task<string> PublishAsync(PublishRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ValidateTopic(request.Topic);
        using var activity = CloudRuntimesTelemetry.ActivitySource.StartActivity("pubsub.publish", ActivityKind.Producer);
        activity?.SetTag("cloudruntimes.component", _componentName);
        activity?.SetTag("messaging.destination.name", request.Topic);
        var metadata = request.Metadata ?? new Dictionary<string, string>();
        var message = new StoredMessage(Guid.CreateVersion7().ToString(), request.Data.ToArray(), request.ContentType, metadata, ExpiryOf(metadata));
        try
        {
            await _log.AppendAsync(request.Topic, message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not CloudRuntimesException)
        {
            throw new CloudRuntimesException(CloudRuntimesErrorCodes.PubSubPublish, $"pub/sub {_componentName}: publishing to topic {request.Topic} failed: {e.Message}", e);
        }
        CloudRuntimesTelemetry.Operations.Add(1, new("block", "pubsub"), new("operation", "publish"), new("component", _componentName));
        Signal(request.Topic).Set();
        return message.Id;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<BulkPublishFailure>> PublishBulkAsync(string topic, IReadOnlyList<BulkPublishEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var duplicate = entries.GroupBy(e => e.EntryId).FirstOrDefault(g => g.Count() > 1 || string.IsNullOrEmpty(g.Key));
        if (duplicate is not null)
        {
            throw new CloudRuntimesException(CloudRuntimesErrorCodes.MalformedRequest, $"bulk publish entry ids must be unique and non-empty: '{duplicate.Key}'");
        }
        var failures = new List<BulkPublishFailure>();
        foreach (var entry in entries)
        {
            try
            {
                await PublishAsync(new PublishRequest(topic, entry.Data, entry.ContentType, entry.Metadata), cancellationToken).ConfigureAwait(false);
            }
            catch (CloudRuntimesException e)
            {
                failures.Add(new BulkPublishFailure(entry.EntryId, e.Message));
            }
        }
        return failures;
    }

    /// <inheritdoc />
    public async Task<IAsyncDisposable> SubscribeAsync(TopicSubscription subscription, TopicMessageHandler handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(handler);
        ValidateTopic(subscription.Topic);
        if (subscription.MaxDeliveryAttempts < 1)
        {
            throw new CloudRuntimesException(CloudRuntimesErrorCodes.MalformedRequest, $"subscription to {subscription.Topic}: MaxDeliveryAttempts must be at least 1");
        }
        await _log.JoinAsync(subscription.Topic, subscription.ConsumerGroup ?? _defaultGroup, cancellationToken).ConfigureAwait(false);
        var subscriber = new Subscriber(this, subscription, handler);
        _subscribers[subscriber] = 0;
        subscriber.Start();
        return subscriber;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var subscriber in _subscribers.Keys)
        {
            await subscriber.DisposeAsync().ConfigureAwait(false);
        }
        await _log.DisposeAsync().ConfigureAwait(false);
    }

    private static DateTimeOffset? ExpiryOf(IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue(PubSubMetadata.TtlInSeconds, out var text))
        {
            return null;
        }
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0)
        {
            throw new CloudRuntimesException(CloudRuntimesErrorCodes.MalformedRequest, $"metadata {PubSubMetadata.TtlInSeconds} must be a positive integer, got '{text}'");
        }
        return DateTimeOffset.UtcNow.AddSeconds(seconds);
    }

    private static void ValidateTopic(string topic)
    {
        if (string.IsNullOrEmpty(topic))
        {
            throw new CloudRuntimesException(CloudRuntimesErrorCodes.MalformedRequest, "topic name is empty");
        }
    }

    private TopicSignal Signal(string topic) => _signals.GetOrAdd(topic, _ => new TopicSignal());

    /// <summary>One running subscription: a loop that leases, delivers and settles messages in order.</summary>
    private sealed class Subscriber(TopicLogPubSub owner, TopicSubscription subscription, TopicMessageHandler handler) : IAsyncDisposable
    {
        private BackgroundLoop? _loop;

        private string Group => subscription.ConsumerGroup ?? owner._defaultGroup;

        public void Start() => _loop = BackgroundLoop.Start(RunAsync);

        public async ValueTask DisposeAsync()
        {
            if (owner._subscribers.TryRemove(this, out _) && _loop is not null)
            {
                await _loop.DisposeAsync().ConfigureAwait(false);
            }
        }

        private async Task RunAsync(CancellationToken token)
        {
            var signal = owner.Signal(subscription.Topic);
            var idle = TimeSpan.FromMilliseconds(5);
            while (!token.IsCancellationRequested)
            {
                LeasedMessage? leased;
                try
                {
                    leased = await owner._log.LeaseAsync(subscription.Topic, Group, LeaseDuration, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    owner._logger.LogWarning(e, "pub/sub {Component}: reading topic {Topic} failed; retrying", owner._componentName, subscription.Topic);
                    leased = null;
                }
                if (leased is null)
                {
                    await signal.WaitAsync(idle, token).ConfigureAwait(false);
                    idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, MaxIdleWait.Ticks));
                    continue;
                }
                idle = TimeSpan.FromMilliseconds(5);
                await DeliverAsync(leased, token).ConfigureAwait(false);
            }
        }

        private async Task DeliverAsync(LeasedMessage leased, CancellationToken token)
        {
            var message = leased.Message;
            if (message.ExpiresAt is { } expiry && expiry < DateTimeOffset.UtcNow)
            {
                owner._logger.LogInformation("pub/sub {Component}: message {Id} on {Topic} expired undelivered", owner._componentName, message.Id, subscription.Topic);
                await owner._log.AcknowledgeAsync(subscription.Topic, Group, message.Id, token).ConfigureAwait(false);
                return;
            }
            var delivery = new TopicMessage(message.Id, subscription.Topic, message.Data, message.ContentType, message.Metadata, leased.DeliveryAttempt);
            DeliveryStatus status;
            using (var activity = CloudRuntimesTelemetry.ActivitySource.StartActivity("pubsub.deliver", ActivityKind.Consumer))
            {
                activity?.SetTag("cloudruntimes.component", owner._componentName);
                activity?.SetTag("messaging.destination.name", subscription.Topic);
                try
                {
                    status = await handler(delivery, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    // Stopping: leave the message leased; the lease expires and it is delivered again.
                    return;
                }
                catch (Exception e)
                {
                    owner._logger.LogWarning(e, "pub/sub {Component}: handler for {Topic} failed on message {Id} (attempt {Attempt})", owner._componentName, subscription.Topic, message.Id, leased.DeliveryAttempt);
                    status = DeliveryStatus.Retry;
                }
                activity?.SetTag("cloudruntimes.delivery.status", status.ToString());
            }

            if (status == DeliveryStatus.Success)
            {
                await owner._log.AcknowledgeAsync(subscription.Topic, Group, message.Id, CancellationToken.None).ConfigureAwait(false);
            }
            else if (status == DeliveryStatus.Drop || leased.DeliveryAttempt >= subscription.MaxDeliveryAttempts)
            {
                await DeadLetterAsync(message, status).ConfigureAwait(false);
                await owner._log.AcknowledgeAsync(subscription.Topic, Group, message.Id, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                await owner._log.ReleaseAsync(subscription.Topic, Group, message.Id, subscription.RetryDelay ?? DefaultRetryDelay, CancellationToken.None).ConfigureAwait(false);
            }
        }

        private async Task DeadLetterAsync(StoredMessage message, DeliveryStatus status)
        {
            if (subscription.DeadLetterTopic is not { } deadLetter)
            {
                if (owner._logger.IsEnabled(LogLevel.Warning))
                {
                    owner._logger.LogWarning("pub/sub {Component}: message {Id} on {Topic} discarded ({Status}) with no dead-letter topic", owner._componentName, message.Id, subscription.Topic, status);
                }
                return;
            }
            await owner.PublishAsync(new PublishRequest(deadLetter, message.Data, message.ContentType, message.Metadata), CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Wakes subscribers of a topic when a message is published in this process.</summary>
    private sealed class TopicSignal
    {
        private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Set() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

        public async Task WaitAsync(TimeSpan timeout, CancellationToken token)
        {
            try
            {
                await Volatile.Read(ref _next).Task.WaitAsync(timeout, token).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
