namespace CloudRuntimes.PubSub;

/// <summary>
/// A publish/subscribe broker (Dapr pub/sub API, <c>/v1.0/publish/{pubsub}/{topic}</c>). Delivery is
/// at-least-once: a message is redelivered until its handler answers <see cref="DeliveryStatus.Success"/> or
/// <see cref="DeliveryStatus.Drop"/>, or until <see cref="TopicSubscription.MaxDeliveryAttempts"/> is reached,
/// after which it goes to the dead-letter topic when one is set. Messages of one topic are delivered to a
/// subscription in publish order (so per-key order holds).
/// </summary>
public interface IPubSub
{
    /// <summary>Publishes one message.</summary>
    /// <param name="request">Topic, data, content type and metadata.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The message id (the CloudEvent id when the data is an envelope, else a generated id).</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.PubSubPublish"/>; the message was not stored.</exception>
    Task<string> PublishAsync(PublishRequest request, CancellationToken cancellationToken = default);

    /// <summary>Publishes several messages to one topic; each entry succeeds or fails on its own.</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="entries">Entries with unique ids.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entries that failed (empty when all were published).</returns>
    Task<IReadOnlyList<BulkPublishFailure>> PublishBulkAsync(string topic, IReadOnlyList<BulkPublishEntry> entries, CancellationToken cancellationToken = default);

    /// <summary>Starts delivering a topic's messages to <paramref name="handler"/> until the returned handle is disposed.</summary>
    /// <param name="subscription">Topic, consumer group, retry and dead-letter settings.</param>
    /// <param name="handler">Called once per delivery attempt.</param>
    /// <param name="cancellationToken">Cancels subscribing (not the subscription).</param>
    /// <returns>
    /// Dispose to stop delivery gracefully: no further message is handed to <paramref name="handler"/>, the delivery in
    /// progress is let finish and is settled (its handler's token is signalled only if it runs past the component's
    /// drain timeout), and messages not yet acknowledged stay stored for the next subscriber of the group.
    /// </returns>
    Task<IAsyncDisposable> SubscribeAsync(TopicSubscription subscription, TopicMessageHandler handler, CancellationToken cancellationToken = default);
}

/// <summary>Handles one delivery of a message.</summary>
/// <param name="message">The message.</param>
/// <param name="cancellationToken">Signalled when the subscription is stopping and this delivery has run past the drain timeout.</param>
/// <returns>What to do with the message; an exception counts as <see cref="DeliveryStatus.Retry"/>.</returns>
public delegate Task<DeliveryStatus> TopicMessageHandler(TopicMessage message, CancellationToken cancellationToken);

/// <summary>A subscriber's answer (Dapr <c>{"status": "SUCCESS" | "RETRY" | "DROP"}</c>).</summary>
public enum DeliveryStatus
{
    /// <summary>Processed: acknowledge.</summary>
    Success,

    /// <summary>Failed: deliver again later.</summary>
    Retry,

    /// <summary>Do not deliver again (sent to the dead-letter topic when one is set).</summary>
    Drop,
}

/// <summary>Well-known pub/sub metadata keys.</summary>
public static class PubSubMetadata
{
    /// <summary><c>true</c>: publish the data as is, without a CloudEvents envelope.</summary>
    public const string RawPayload = "rawPayload";

    /// <summary>Seconds after which an undelivered message expires.</summary>
    public const string TtlInSeconds = "ttlInSeconds";

    /// <summary>Messages with the same key are delivered in publish order.</summary>
    public const string PartitionKey = "partitionKey";
}

/// <summary>A message to publish.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Data">The payload (a CloudEvent JSON envelope when <paramref name="ContentType"/> is <c>application/cloudevents+json</c>).</param>
/// <param name="ContentType">MIME type of <paramref name="Data"/>.</param>
/// <param name="Metadata">Metadata such as <see cref="PubSubMetadata.TtlInSeconds"/>.</param>
public sealed record PublishRequest(string Topic, ReadOnlyMemory<byte> Data, string ContentType = "application/json", IReadOnlyDictionary<string, string>? Metadata = null);

/// <summary>One entry of a bulk publish.</summary>
/// <param name="EntryId">Unique id within the request.</param>
/// <param name="Data">The payload.</param>
/// <param name="ContentType">MIME type of the payload.</param>
/// <param name="Metadata">Entry metadata.</param>
public sealed record BulkPublishEntry(string EntryId, ReadOnlyMemory<byte> Data, string ContentType = "application/json", IReadOnlyDictionary<string, string>? Metadata = null);

/// <summary>A bulk entry that was not published.</summary>
/// <param name="EntryId">The entry id.</param>
/// <param name="Error">Why.</param>
public sealed record BulkPublishFailure(string EntryId, string Error);

/// <summary>A delivered message.</summary>
/// <param name="Id">Message id, stable across redeliveries.</param>
/// <param name="Topic">The topic it was published to.</param>
/// <param name="Data">The payload as published.</param>
/// <param name="ContentType">MIME type of the payload.</param>
/// <param name="Metadata">Publish metadata.</param>
/// <param name="DeliveryAttempt">1 for the first delivery, 2 for the first redelivery, ...</param>
public sealed record TopicMessage(string Id, string Topic, ReadOnlyMemory<byte> Data, string ContentType, IReadOnlyDictionary<string, string> Metadata, int DeliveryAttempt);

/// <summary>A subscription to a topic.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="ConsumerGroup">Subscriptions in the same group share messages (each message goes to one of them); default: the app id or <c>default</c>.</param>
/// <param name="DeadLetterTopic">Where dropped or exhausted messages go; null to discard them.</param>
/// <param name="MaxDeliveryAttempts">Attempts before a message counts as exhausted (at least 1).</param>
/// <param name="RetryDelay">Wait before a redelivery; null for the component default.</param>
/// <param name="MaxConcurrentDeliveries">
/// How many messages may be with the handler at once (at least 1); null for the component's default (metadata
/// <c>concurrency</c>, 1 unless set). With 1, messages are delivered one at a time in publish order. Above 1, messages
/// with the same <see cref="PubSubMetadata.PartitionKey"/> are still delivered one at a time in publish order, and the
/// others concurrently; a message to retry holds back those published after it, which may then be delivered again
/// although already handled (at-least-once).
/// </param>
public sealed record TopicSubscription(string Topic, string? ConsumerGroup = null, string? DeadLetterTopic = null, int MaxDeliveryAttempts = 5, TimeSpan? RetryDelay = null, int? MaxConcurrentDeliveries = null);
