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
/// Messages are leased in batches of up to 32 and handed to the handler one at a time; a batch's acknowledgement is
/// written together with the next lease, which follows at once while messages keep coming and at most 5 ms after
/// the topic goes quiet (or when the subscription stops), so a crash in that window delivers those messages again.
/// </summary>
public sealed class TopicLogPubSub : IPubSub, IAsyncDisposable
{
    private static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan MinIdleWait = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan MaxIdleWait = TimeSpan.FromMilliseconds(250);

    /// <summary>The most messages leased, and then acknowledged, at once.</summary>
    private const int BatchSize = 32;

    /// <summary>How long a stopping subscription lets the delivery in progress run before cancelling it (Dapr's default graceful shutdown: 5 s).</summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

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

    /// <summary>
    /// One running subscription: a loop that leases a batch of messages, hands them to the handler one at a time in
    /// order, and settles the batch: one acknowledgement for the messages handled, or a release at the first one to
    /// retry (which acknowledges those before it and returns those after it).
    /// </summary>
    private sealed class Subscriber(TopicLogPubSub owner, TopicSubscription subscription, TopicMessageHandler handler) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stopping = new();
        private readonly CancellationTokenSource _abort = new();
        private Task _loop = Task.CompletedTask;
        private int _disposed;

        private string Group => subscription.ConsumerGroup ?? owner._defaultGroup;

        private string Topic => subscription.Topic;

        public void Start() => _loop = Task.Run(RunAsync, CancellationToken.None);

        /// <summary>Stops taking messages, lets the delivery in progress finish (cancelled past <see cref="DrainTimeout"/>) and settles it.</summary>
        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
            {
                return;
            }
            owner._subscribers.TryRemove(this, out _);
            await _stopping.CancelAsync().ConfigureAwait(false);
            _abort.CancelAfter(DrainTimeout);
            await _loop.ConfigureAwait(false);
            _stopping.Dispose();
            _abort.Dispose();
        }

        private async Task RunAsync()
        {
            var stopping = _stopping.Token;
            var signal = owner.Signal(Topic);
            var idle = MinIdleWait;
            LeasedMessage? handled = null; // handled but not yet acknowledged: the next lease acknowledges it
            while (!stopping.IsCancellationRequested)
            {
                var published = signal.Next;
                IReadOnlyList<LeasedMessage> batch;
                try
                {
                    batch = await owner._log.LeaseAsync(Topic, Group, BatchSize, LeaseDuration, handled, stopping).ConfigureAwait(false);
                    handled = null;
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e)
                {
                    owner._logger.LogWarning(e, "pub/sub {Component}: reading topic {Topic} failed; retrying", owner._componentName, Topic);
                    batch = [];
                }
                if (batch.Count == 0)
                {
                    await published.WaitAsync(idle, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, MaxIdleWait.Ticks));
                    continue;
                }
                idle = MinIdleWait;
                (handled, var all) = await DeliverBatchAsync(batch, stopping).ConfigureAwait(false);
                if (all && batch.Count < BatchSize && !published.IsCompleted)
                {
                    // The lease took every message there was and nothing was published here since: wait for a publish
                    // (another process's is found when the wait times out) before leasing, and acknowledging, again.
                    await published.WaitAsync(idle, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            }
            if (handled is not null)
            {
                await SettleAsync(handled, () => owner._log.AcknowledgeAsync(Topic, Group, handled, CancellationToken.None)).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Hands the batch over in order until a message is to be retried, the subscription stops, or half the lease
        /// has passed (so a slow handler never sees the lease of the messages after it run out). A message to retry is
        /// released at once (which acknowledges those before it); otherwise acknowledging is left to the caller.
        /// </summary>
        /// <returns>
        /// The last message handled and not yet acknowledged (null when none, or when a release settled the batch), and
        /// whether every message of the batch was handled.
        /// </returns>
        private async Task<(LeasedMessage? Handled, bool All)> DeliverBatchAsync(IReadOnlyList<LeasedMessage> batch, CancellationToken stopping)
        {
            var leased = Stopwatch.GetTimestamp();
            LeasedMessage? handled = null;
            foreach (var message in batch)
            {
                if (stopping.IsCancellationRequested || Stopwatch.GetElapsedTime(leased) > LeaseDuration / 2)
                {
                    if (handled is null)
                    {
                        // Nothing handled yet: hand the batch back without counting an attempt for its first message.
                        await SettleAsync(message, () => owner._log.ReleaseAsync(Topic, Group, message with { DeliveryAttempt = message.DeliveryAttempt - 1 }, TimeSpan.Zero, CancellationToken.None)).ConfigureAwait(false);
                    }
                    return (handled, false);
                }
                var outcome = await DeliverAsync(message).ConfigureAwait(false);
                if (outcome is Outcome.Handled)
                {
                    handled = message;
                    continue;
                }
                var delay = outcome is Outcome.Retry ? subscription.RetryDelay ?? DefaultRetryDelay : TimeSpan.Zero;
                await SettleAsync(message, () => owner._log.ReleaseAsync(Topic, Group, message, delay, CancellationToken.None)).ConfigureAwait(false);
                return (null, false);
            }
            return (handled, true);
        }

        /// <summary>Records a settlement; when that fails the lease runs out and the messages are delivered again.</summary>
        private async Task SettleAsync(LeasedMessage message, Func<Task> settle)
        {
            try
            {
                await settle().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                owner._logger.LogWarning(e, "pub/sub {Component}: settling message {Id} on {Topic} failed; it will be delivered again when its lease ends", owner._componentName, message.Message.Id, Topic);
            }
        }

        private async Task<Outcome> DeliverAsync(LeasedMessage leased)
        {
            var message = leased.Message;
            if (message.ExpiresAt is { } expiry && expiry < DateTimeOffset.UtcNow)
            {
                owner._logger.LogInformation("pub/sub {Component}: message {Id} on {Topic} expired undelivered", owner._componentName, message.Id, Topic);
                return Outcome.Handled;
            }
            var delivery = new TopicMessage(message.Id, Topic, message.Data, message.ContentType, message.Metadata, leased.DeliveryAttempt);
            DeliveryStatus status;
            using (var activity = CloudRuntimesTelemetry.ActivitySource.StartActivity("pubsub.deliver", ActivityKind.Consumer))
            {
                activity?.SetTag("cloudruntimes.component", owner._componentName);
                activity?.SetTag("messaging.destination.name", Topic);
                try
                {
                    status = await handler(delivery, _abort.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (_abort.IsCancellationRequested)
                {
                    // Stopping and past the drain timeout: the message goes back at once, this attempt counted.
                    return Outcome.Aborted;
                }
                catch (Exception e)
                {
                    owner._logger.LogWarning(e, "pub/sub {Component}: handler for {Topic} failed on message {Id} (attempt {Attempt})", owner._componentName, Topic, message.Id, leased.DeliveryAttempt);
                    status = DeliveryStatus.Retry;
                }
                activity?.SetTag("cloudruntimes.delivery.status", status.ToString());
            }
            if (status == DeliveryStatus.Success)
            {
                return Outcome.Handled;
            }
            if (status == DeliveryStatus.Drop || leased.DeliveryAttempt >= subscription.MaxDeliveryAttempts)
            {
                await DeadLetterAsync(message, status).ConfigureAwait(false);
                return Outcome.Handled;
            }
            return Outcome.Retry;
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

    /// <summary>What became of one delivery.</summary>
    private enum Outcome
    {
        /// <summary>Done with: succeeded, dropped, dead-lettered or expired; acknowledged with the batch.</summary>
        Handled,

        /// <summary>To be delivered again after the retry delay.</summary>
        Retry,

        /// <summary>Cancelled by a stop past the drain timeout; delivered again at once.</summary>
        Aborted,
    }

    /// <summary>Wakes subscribers of a topic when a message is published in this process.</summary>
    private sealed class TopicSignal
    {
        private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes at the next <see cref="Set"/>: take it before looking for messages, so a publish in between is not missed.</summary>
        public Task Next => Volatile.Read(ref _next).Task;

        public void Set() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
