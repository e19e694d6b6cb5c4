using System.Collections.Concurrent;
using System.Diagnostics;
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
/// Over a log that can (<see cref="ITopicRetention"/>), messages of topics no consumer group has joined are dropped once
/// older than the retention (<see cref="DefaultUnsubscribedRetention"/>), checked every quarter of it (at most every minute).
/// </summary>
public sealed partial class TopicLogPubSub : IPubSub, ITopicBacklog, IAsyncDisposable
{
    private static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan MinIdleWait = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan MaxIdleWait = TimeSpan.FromMilliseconds(250);

    /// <summary>The most messages leased, and then acknowledged, at once.</summary>
    private const int BatchSize = 32;

    /// <summary>How long a stopping subscription lets the delivery in progress run before cancelling it (Dapr's default graceful shutdown: 5 s).</summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long a message of a topic no consumer group has joined is kept by default (metadata <c>unsubscribedRetention</c>): 1 hour.</summary>
    public static readonly TimeSpan DefaultUnsubscribedRetention = TimeSpan.FromHours(1);

    private readonly BackgroundLoop? _retention;
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
    /// <param name="unsubscribedRetention">
    /// How long messages of topics no consumer group has joined are kept when the log can drop them (<see cref="ITopicRetention"/>);
    /// null keeps them until a group joins and acknowledges them.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="defaultConcurrency"/> is below 1.</exception>
    public TopicLogPubSub(ITopicLog log, string componentName, string defaultGroup, ILogger logger, int defaultConcurrency = 1, TopicScopes? scopes = null, TimeSpan? unsubscribedRetention = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(defaultConcurrency, 1);
        _log = log;
        _componentName = componentName;
        _defaultGroup = defaultGroup;
        _logger = logger;
        _defaultConcurrency = defaultConcurrency;
        _scopes = scopes ?? TopicScopes.Unrestricted;
        if (unsubscribedRetention is { } retention && log is ITopicRetention trimmable)
        {
            _retention = BackgroundLoop.Start(token => TrimLoopAsync(trimmable, retention, token));
        }
    }

    /// <summary>Drops the messages of topics nobody subscribes to once older than <paramref name="retention"/>, until stopped.</summary>
    private async Task TrimLoopAsync(ITopicRetention log, TimeSpan retention, CancellationToken token)
    {
        var every = TimeSpan.FromTicks(Math.Clamp(retention.Ticks / 4, TimeSpan.TicksPerMillisecond * 100, TimeSpan.TicksPerMinute));
        while (!token.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, token).ConfigureAwait(false);
                var dropped = await log.TrimUnsubscribedAsync(DateTimeOffset.UtcNow - retention, token).ConfigureAwait(false);
                if (dropped > 0)
                {
                    _logger.LogInformation("pub/sub {Component}: dropped {Count} messages older than {Retention} of topics no subscriber has joined", _componentName, dropped, retention);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed trim is retried at the next round; it must not end the loop.
            catch (Exception e)
#pragma warning restore CA1031
            {
                _logger.LogWarning(e, "pub/sub {Component}: dropping old messages of topics without subscribers failed; retrying", _componentName);
            }
        }
    }

    /// <summary>
    /// The building block of a pub/sub component over its log, configured from the component's metadata:
    /// <c>concurrency</c> (messages with a subscription's handler at once, default 1: one at a time, in publish order),
    /// <c>unsubscribedRetention</c> (how long messages of topics no consumer group has joined are kept, Go duration, default
    /// <c>1h</c>, <c>0</c> for ever; logs that cannot drop them ignore it) and Dapr's topic scoping (<see cref="TopicScopes"/>).
    /// </summary>
    /// <param name="definition">The component definition.</param>
    /// <param name="context">Where the component runs (app id, loggers).</param>
    /// <param name="openLog">Opens the back end's topic log (disposed with the result), once the metadata is valid.</param>
    /// <returns>The building block.</returns>
    /// <exception cref="CloudRuntimesException"><c>concurrency</c> is not a positive integer, <c>unsubscribedRetention</c> not a duration, or a scope is malformed (<c>ERR_MALFORMED_REQUEST</c>).</exception>
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
        var retention = definition.Get("unsubscribedRetention") == "0" ? (TimeSpan?)null : definition.GetDuration("unsubscribedRetention") ?? DefaultUnsubscribedRetention;
        return new TopicLogPubSub(openLog(), definition.Name, context.AppId, context.LoggerFactory.CreateLogger<TopicLogPubSub>(), concurrency, scopes, retention);
    }

    /// <inheritdoc />
    public async Task<string> PublishAsync(PublishRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var message = ToStored(request);
        EnsureMayPublish(request.Topic);
        using var activity = CloudRuntimesTelemetry.ActivitySource.StartActivity("pubsub.publish", ActivityKind.Producer);
        activity?.SetTag("cloudruntimes.component", _componentName);
        activity?.SetTag("messaging.destination.name", request.Topic);
        try
        {
            await _log.AppendAsync(request.Topic, message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not CloudRuntimesException)
        {
            throw PublishFailure(request.Topic, e);
        }
        Published(request.Topic, 1);
        return message.Id;
    }

    /// <summary>The message to store for a publish, with a new id.</summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.MalformedRequest"/>: an empty topic or a bad <c>ttlInSeconds</c>.</exception>
    private static StoredMessage ToStored(PublishRequest request)
    {
        ValidateTopic(request.Topic);
        var metadata = request.Metadata ?? new Dictionary<string, string>();
        return new StoredMessage(Guid.CreateVersion7().ToString(), request.Data.ToArray(), request.ContentType, metadata, ExpiryOf(metadata));
    }

    /// <summary>A failure of the log as publishers see it: the component's own error as it is, anything else as <see cref="CloudRuntimesErrors.PubSubPublish"/>.</summary>
    private CloudRuntimesException PublishFailure(string topic, Exception failure) =>
        failure as CloudRuntimesException ?? new CloudRuntimesException(CloudRuntimesErrors.PubSubPublish, $"pub/sub {_componentName}: publishing to topic {topic} failed", failure);

    /// <summary>Counts <paramref name="count"/> stored messages and wakes the topic's subscribers in this process.</summary>
    private void Published(string topic, int count)
    {
        CloudRuntimesTelemetry.Operations.Add(count, new("block", "pubsub"), new("operation", "publish"), new("component", _componentName));
        Signal(topic).Set();
    }

    /// <inheritdoc />
    /// <remarks>Null when the back end's log cannot count (Redis streams).</remarks>
    public Task<long?> BacklogAsync(string topic, string group, CancellationToken cancellationToken) =>
        _log is ITopicBacklog backlog ? backlog.BacklogAsync(topic, group, cancellationToken) : Task.FromResult<long?>(null);

    /// <inheritdoc />
    /// <remarks>
    /// A log that stores several messages in one write (<see cref="ITopicBatchAppend"/>: <c>pubsub.sqlite</c>) gets the
    /// entries together and writes them a bounded group at a time; other logs get them one at a time. Stops before the next
    /// write once <paramref name="cancellationToken"/> is cancelled (throws <see cref="OperationCanceledException"/>; the
    /// entries written before it stay published).
    /// </remarks>
    public async Task<IReadOnlyList<BulkPublishFailure>> PublishBulkAsync(string topic, IReadOnlyList<BulkPublishEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        EnsureMayPublish(topic);
        var duplicate = entries.GroupBy(e => e.EntryId).FirstOrDefault(g => g.Count() > 1 || string.IsNullOrEmpty(g.Key));
        if (duplicate is not null)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"bulk publish entry ids must be unique and non-empty: '{duplicate.Key}'");
        }
        using var activity = CloudRuntimesTelemetry.ActivitySource.StartActivity("pubsub.publish", ActivityKind.Producer);
        activity?.SetTag("cloudruntimes.component", _componentName);
        activity?.SetTag("messaging.destination.name", topic);
        activity?.SetTag("messaging.batch.message_count", entries.Count);
        var failures = new List<BulkPublishFailure>();
        var ids = new List<string>(entries.Count);
        var messages = new List<StoredMessage>(entries.Count);
        foreach (var entry in entries)
        {
            try
            {
                messages.Add(ToStored(new PublishRequest(topic, entry.Data, entry.ContentType, entry.Metadata)));
                ids.Add(entry.EntryId);
            }
            catch (CloudRuntimesException e)
            {
                failures.Add(new BulkPublishFailure(entry.EntryId, e.Message));
            }
        }
        var outcomes = _log is ITopicBatchAppend batch
            ? await batch.AppendBatchAsync(topic, messages, cancellationToken).ConfigureAwait(false)
            : await AppendEachAsync(topic, messages, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < outcomes.Count; i++)
        {
            if (outcomes[i] is { } failure)
            {
                failures.Add(new BulkPublishFailure(ids[i], PublishFailure(topic, failure).Message));
            }
        }
        Published(topic, outcomes.Count(o => o is null));
        return failures;
    }

    /// <summary>Appends messages one at a time (logs without <see cref="ITopicBatchAppend"/>), as <see cref="ITopicBatchAppend.AppendBatchAsync"/> reports them.</summary>
    private async Task<IReadOnlyList<Exception?>> AppendEachAsync(string topic, List<StoredMessage> messages, CancellationToken cancellationToken)
    {
        var outcomes = new Exception?[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            // An append that completes at once never looks at the token: without this, a bulk publish whose caller had
            // gone kept writing every entry.
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await _log.AppendAsync(topic, messages[i], cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                outcomes[i] = e;
            }
        }
        return outcomes;
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
        if (_retention is not null)
        {
            await _retention.DisposeAsync().ConfigureAwait(false);
        }
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

    /// <summary>Wakes subscribers of a topic when a message is published in this process.</summary>
    private sealed class TopicSignal
    {
        private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes at the next <see cref="Set"/>: take it before looking for messages, so a publish in between is not missed.</summary>
        public Task Next => Volatile.Read(ref _next).Task;

        public void Set() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
