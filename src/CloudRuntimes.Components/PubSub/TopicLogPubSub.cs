using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using CloudRuntimes.Components.Composition;
using CloudRuntimes.PubSub;
using CloudRuntimes.Telemetry;
using Microsoft.Extensions.Logging;

namespace CloudRuntimes.Components.PubSub;

/// <summary>
/// The pub/sub building block over an <see cref="ITopicLog"/>: at-least-once delivery in publish order per
/// consumer group, redelivery after <see cref="DeliveryStatus.Retry"/> or a handler exception, dead-letter
/// after <see cref="TopicSubscription.MaxDeliveryAttempts"/> or <see cref="DeliveryStatus.Drop"/>, TTL expiry.
/// Messages are leased in batches of up to 32 and handed to the handler one at a time (with a concurrency above 1,
/// several of a batch at once, one at a time per partition key: <see cref="TopicSubscription.MaxConcurrentDeliveries"/>); a batch's acknowledgement is
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
    private readonly int _defaultConcurrency;
    private readonly TopicScopes _scopes;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, TopicSignal> _signals = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Subscriber, byte> _subscribers = new();

    /// <summary>Creates the building block over a log.</summary>
    /// <param name="log">The back end's topic log (disposed with this object).</param>
    /// <param name="componentName">Component name, for telemetry and logs.</param>
    /// <param name="defaultGroup">Consumer group when a subscription names none (the app id).</param>
    /// <param name="logger">Logger.</param>
    /// <param name="defaultConcurrency">
    /// Messages with a subscription's handler at once when the subscription does not say (<see cref="TopicSubscription.MaxConcurrentDeliveries"/>); at least 1.
    /// </param>
    /// <param name="scopes">Which topics this app may publish to and subscribe to; null for all.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="defaultConcurrency"/> is below 1.</exception>
    public TopicLogPubSub(ITopicLog log, string componentName, string defaultGroup, ILogger logger, int defaultConcurrency = 1, TopicScopes? scopes = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(defaultConcurrency, 1);
        _log = log;
        _componentName = componentName;
        _defaultGroup = defaultGroup;
        _logger = logger;
        _defaultConcurrency = defaultConcurrency;
        _scopes = scopes ?? TopicScopes.Unrestricted;
    }

    /// <summary>
    /// The building block of a pub/sub component over its log, configured from the component's metadata:
    /// <c>concurrency</c> (messages with a subscription's handler at once, default 1: one at a time, in publish order) and
    /// Dapr's topic scoping (<see cref="TopicScopes"/>).
    /// </summary>
    /// <param name="definition">The component definition.</param>
    /// <param name="context">Where the component runs (app id, loggers).</param>
    /// <param name="openLog">Opens the back end's topic log (disposed with the result), once the metadata is valid.</param>
    /// <returns>The building block.</returns>
    /// <exception cref="CloudRuntimesException"><c>concurrency</c> is not a positive integer, or a scope is malformed (<c>ERR_MALFORMED_REQUEST</c>).</exception>
    public static TopicLogPubSub For(ComponentDefinition definition, ComponentContext context, Func<ITopicLog> openLog)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(openLog);
        var concurrency = definition.GetInt32("concurrency", 1);
        if (concurrency < 1)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"component '{definition.Name}' metadata 'concurrency' must be at least 1, got {concurrency}");
        }
        var scopes = TopicScopes.For(definition, context.AppId);
        return new TopicLogPubSub(openLog(), definition.Name, context.AppId, context.LoggerFactory.CreateLogger<TopicLogPubSub>(), concurrency, scopes);
    }

    /// <inheritdoc />
    public async Task<string> PublishAsync(PublishRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ValidateTopic(request.Topic);
        EnsureMayPublish(request.Topic);
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
            throw new CloudRuntimesException(CloudRuntimesErrors.PubSubPublish, $"pub/sub {_componentName}: publishing to topic {request.Topic} failed: {e.Message}", e);
        }
        CloudRuntimesTelemetry.Operations.Add(1, new("block", "pubsub"), new("operation", "publish"), new("component", _componentName));
        Signal(request.Topic).Set();
        return message.Id;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<BulkPublishFailure>> PublishBulkAsync(string topic, IReadOnlyList<BulkPublishEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        EnsureMayPublish(topic);
        var duplicate = entries.GroupBy(e => e.EntryId).FirstOrDefault(g => g.Count() > 1 || string.IsNullOrEmpty(g.Key));
        if (duplicate is not null)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"bulk publish entry ids must be unique and non-empty: '{duplicate.Key}'");
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
        if (!_scopes.MaySubscribe(subscription.Topic))
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.PubSubForbidden, $"pub/sub {_componentName}: app {_defaultGroup} may not subscribe to topic {subscription.Topic} (the component's topic scoping)");
        }
        if (subscription.MaxDeliveryAttempts < 1)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"subscription to {subscription.Topic}: MaxDeliveryAttempts must be at least 1");
        }
        if (subscription.MaxConcurrentDeliveries < 1)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"subscription to {subscription.Topic}: MaxConcurrentDeliveries must be at least 1");
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
        return DateTimeOffset.UtcNow + TimeToLive.Parse(text, allowNever: false, "publish");
    }

    private void EnsureMayPublish(string topic)
    {
        if (!_scopes.MayPublish(topic))
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.PubSubForbidden, $"pub/sub {_componentName}: app {_defaultGroup} may not publish to topic {topic} (the component's topic scoping)");
        }
    }

    private static void ValidateTopic(string topic)
    {
        if (string.IsNullOrEmpty(topic))
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, "topic name is empty");
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
        private static int _count;
        private readonly string _consumer = Interlocked.Increment(ref _count).ToString(CultureInfo.InvariantCulture);
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
                    batch = await owner._log.LeaseAsync(Topic, Group, _consumer, BatchSize, LeaseDuration, handled, stopping).ConfigureAwait(false);
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
                await SettleAsync(handled, () => owner._log.AcknowledgeAsync(Topic, Group, _consumer, handled, CancellationToken.None)).ConfigureAwait(false);
            }
            try
            {
                await owner._log.LeaveAsync(Topic, Group, _consumer, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                owner._logger.LogWarning(e, "pub/sub {Component}: handing the messages of a stopped subscriber of {Topic} back failed; they are delivered again when their lease ends", owner._componentName, Topic);
            }
        }

        private int Concurrency => subscription.MaxConcurrentDeliveries ?? owner._defaultConcurrency;

        /// <summary>
        /// Hands the batch to the handler (see <see cref="Lanes"/>) until a message is to be retried, the subscription
        /// stops, or half the lease has passed (so a slow handler never sees the lease of the messages after it run
        /// out). The first message, in publish order, that was not handled decides the settlement: a message to retry
        /// is released at once (which acknowledges those before it and returns those after it); one never handed over
        /// leaves the messages before it to acknowledge. Acknowledging is left to the caller.
        /// </summary>
        /// <returns>
        /// The last message of the handled prefix, not yet acknowledged (null when none, or when a release settled the
        /// batch), and whether every message of the batch was handled.
        /// </returns>
        private async Task<(LeasedMessage? Handled, bool All)> DeliverBatchAsync(IReadOnlyList<LeasedMessage> batch, CancellationToken stopping)
        {
            var leased = Stopwatch.GetTimestamp();
            var outcomes = new Outcome[batch.Count];
            var concurrency = Concurrency;
            if (concurrency == 1)
            {
                await DeliverLaneAsync(batch, Enumerable.Range(0, batch.Count), outcomes, leased, null, stopping).ConfigureAwait(false);
            }
            else
            {
                using var slots = new SemaphoreSlim(concurrency, concurrency);
                await Task.WhenAll(Lanes(batch).Select(lane => DeliverLaneAsync(batch, lane, outcomes, leased, slots, stopping))).ConfigureAwait(false);
            }
            var first = Array.FindIndex(outcomes, o => o != Outcome.Handled);
            if (first < 0)
            {
                return (batch[^1], true);
            }
            var message = batch[first];
            switch (outcomes[first])
            {
                case Outcome.NotDelivered when first > 0:
                    return (batch[first - 1], false);
                case Outcome.NotDelivered:
                    // Nothing handled: hand the batch back without counting an attempt for its first message.
                    await SettleAsync(message, () => owner._log.ReleaseAsync(Topic, Group, _consumer, message with { DeliveryAttempt = message.DeliveryAttempt - 1 }, TimeSpan.Zero, CancellationToken.None)).ConfigureAwait(false);
                    return (null, false);
                default:
                    var delay = outcomes[first] is Outcome.Retry ? subscription.RetryDelay ?? DefaultRetryDelay : TimeSpan.Zero;
                    await SettleAsync(message, () => owner._log.ReleaseAsync(Topic, Group, _consumer, message, delay, CancellationToken.None)).ConfigureAwait(false);
                    return (null, false);
            }
        }

        /// <summary>
        /// The batch's indexes in lanes delivered concurrently: one lane per partition key (in publish order within it),
        /// and one per message without a key.
        /// </summary>
        private static IEnumerable<IEnumerable<int>> Lanes(IReadOnlyList<LeasedMessage> batch) =>
            Enumerable.Range(0, batch.Count).GroupBy(
                i => batch[i].Message.Metadata.TryGetValue(PubSubMetadata.PartitionKey, out var key) ? "key:" + key : "id:" + batch[i].Message.Id,
                StringComparer.Ordinal);

        /// <summary>Delivers a lane's messages one at a time, in order, until one is not handled; records each outcome.</summary>
        private async Task DeliverLaneAsync(IReadOnlyList<LeasedMessage> batch, IEnumerable<int> lane, Outcome[] outcomes, long leased, SemaphoreSlim? slots, CancellationToken stopping)
        {
            foreach (var i in lane)
            {
                if (stopping.IsCancellationRequested || Stopwatch.GetElapsedTime(leased) > LeaseDuration / 2)
                {
                    return;
                }
                if (slots is not null)
                {
                    try
                    {
                        await slots.WaitAsync(stopping).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
                try
                {
                    outcomes[i] = await DeliverAsync(batch[i]).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    // A failure around the handler (such as publishing to the dead-letter topic) retries the message.
                    owner._logger.LogWarning(e, "pub/sub {Component}: delivering message {Id} on {Topic} failed", owner._componentName, batch[i].Message.Id, Topic);
                    outcomes[i] = Outcome.Retry;
                }
                finally
                {
                    slots?.Release();
                }
                if (outcomes[i] != Outcome.Handled)
                {
                    return;
                }
            }
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
        /// <summary>Not handed over: the subscription stopped, half the lease passed, or an earlier message of its lane was not handled.</summary>
        NotDelivered,

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
