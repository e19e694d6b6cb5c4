namespace CloudRuntimes.Components.PubSub;

/// <summary>
/// The durable primitive a pub/sub back end provides: an append-only message log per topic with consumer groups.
/// <see cref="TopicLogPubSub"/> builds the pub/sub building block (delivery, retries, dead-letter) on top of it,
/// so every back end behaves the same.
/// </summary>
public interface ITopicLog : IAsyncDisposable
{
    /// <summary>Appends a message; it is durable when the task completes.</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the message is stored.</returns>
    Task AppendAsync(string topic, StoredMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Registers a consumer group on a topic (idempotent): from then on, messages are retained until the group
    /// acknowledges them. A new group starts at the oldest message the log still retains.
    /// </summary>
    /// <param name="topic">The topic.</param>
    /// <param name="group">The consumer group.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the group is registered.</returns>
    Task JoinAsync(string topic, string group, CancellationToken cancellationToken);

    /// <summary>
    /// Leases the oldest message of <paramref name="topic"/> that <paramref name="group"/> has not acknowledged, when
    /// it is available (not leased by another consumer with an unexpired lease, not delayed). Returns null when the
    /// oldest unacknowledged message is unavailable, so that a group processes a topic in order. Each lease counts
    /// as a delivery attempt, durably.
    /// </summary>
    /// <param name="topic">The topic.</param>
    /// <param name="group">The consumer group.</param>
    /// <param name="leaseDuration">How long the lease holds before another consumer may take the message.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The leased message, or null.</returns>
    Task<LeasedMessage?> LeaseAsync(string topic, string group, TimeSpan leaseDuration, CancellationToken cancellationToken);

    /// <summary>Marks a message processed by a group; it is never delivered to that group again.</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="group">The consumer group.</param>
    /// <param name="messageId">The message id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when recorded.</returns>
    Task AcknowledgeAsync(string topic, string group, string messageId, CancellationToken cancellationToken);

    /// <summary>Returns a leased message to the group, available again after <paramref name="delay"/>.</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="group">The consumer group.</param>
    /// <param name="messageId">The message id.</param>
    /// <param name="delay">How long to wait before redelivery.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when recorded.</returns>
    Task ReleaseAsync(string topic, string group, string messageId, TimeSpan delay, CancellationToken cancellationToken);
}

/// <summary>A message as a topic log stores it.</summary>
/// <param name="Id">Unique message id.</param>
/// <param name="Data">Payload.</param>
/// <param name="ContentType">Payload MIME type.</param>
/// <param name="Metadata">Publish metadata.</param>
/// <param name="ExpiresAt">When the message expires undelivered; null for never.</param>
public sealed record StoredMessage(string Id, ReadOnlyMemory<byte> Data, string ContentType, IReadOnlyDictionary<string, string> Metadata, DateTimeOffset? ExpiresAt);

/// <summary>A message leased to a consumer.</summary>
/// <param name="Message">The message.</param>
/// <param name="DeliveryAttempt">1 for the first lease of this message by this group, then 2, 3, ...</param>
public sealed record LeasedMessage(StoredMessage Message, int DeliveryAttempt);
