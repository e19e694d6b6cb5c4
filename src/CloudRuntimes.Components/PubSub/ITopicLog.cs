namespace CloudRuntimes.Components.PubSub;

/// <summary>
/// The durable primitive a pub/sub back end provides: an append-only message log per topic with consumer groups.
/// <see cref="TopicLogPubSub"/> builds the pub/sub building block (delivery, retries, dead-letter) on top of it,
/// so every back end behaves the same. Leases are taken by a <c>consumer</c>: one subscriber of a group (unique in
/// its process). A log either keeps one lease per group, whoever takes it, so the group processes the topic strictly
/// in order (SQLite, in-memory), or keeps the leases of each consumer apart, so the consumers of a group — the replicas
/// of an app — compete for messages and each message reaches one of them (Redis Streams): then order and retry
/// hold-back hold per consumer.
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
    /// Leases, in order, up to <paramref name="maxCount"/> of the oldest messages of <paramref name="topic"/> that
    /// <paramref name="group"/> has not acknowledged, when the oldest of them is available (not under another
    /// unexpired lease, not delayed by a release). Returns none when it is unavailable, so that a group processes
    /// a topic in order. A message leased again after its lease ran out or its release delay passed is leased
    /// alone, with its delivery attempt counted up; each lease is recorded durably. A log may lease fewer than
    /// <paramref name="maxCount"/> messages (some lease one at a time).
    /// </summary>
    /// <param name="topic">The topic.</param>
    /// <param name="group">The consumer group.</param>
    /// <param name="consumer">The subscriber that leases (unique in its process).</param>
    /// <param name="maxCount">The most messages to lease at once; at least 1.</param>
    /// <param name="leaseDuration">How long the lease holds before another consumer may take the messages.</param>
    /// <param name="acknowledge">
    /// A message of the group's current lease to acknowledge first, in the same atomic step (as
    /// <see cref="AcknowledgeAsync"/> would), so a consumer settles one batch and takes the next in one write; null for none.
    /// </param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The leased messages, oldest first; empty when none is available.</returns>
    Task<IReadOnlyList<LeasedMessage>> LeaseAsync(string topic, string group, string consumer, int maxCount, TimeSpan leaseDuration, LeasedMessage? acknowledge, CancellationToken cancellationToken);

    /// <summary>
    /// Marks a leased message and every message leased before it processed by the group: they are never delivered
    /// to that group again. Messages leased after it are returned to the group at once (delivered again in order).
    /// Does nothing when the message is not under this group's lease.
    /// </summary>
    /// <param name="topic">The topic.</param>
    /// <param name="group">The consumer group.</param>
    /// <param name="consumer">The subscriber that leased it.</param>
    /// <param name="message">The leased message, as <see cref="LeaseAsync"/> returned it (its <see cref="LeasedMessage.Position"/> identifies it).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when recorded.</returns>
    Task AcknowledgeAsync(string topic, string group, string consumer, LeasedMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Returns a leased message for redelivery after <paramref name="delay"/>: the messages leased before it are
    /// acknowledged (as by <see cref="AcknowledgeAsync"/>), the message keeps its delivery attempt count, and the
    /// messages leased after it are returned to the group (delivered after it, in order). Does nothing when the
    /// message is not under this group's lease.
    /// </summary>
    /// <param name="topic">The topic.</param>
    /// <param name="group">The consumer group.</param>
    /// <param name="consumer">The subscriber that leased it.</param>
    /// <param name="message">The leased message, as <see cref="LeaseAsync"/> returned it.</param>
    /// <param name="delay">How long to wait before redelivery.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when recorded.</returns>
    Task ReleaseAsync(string topic, string group, string consumer, LeasedMessage message, TimeSpan delay, CancellationToken cancellationToken);

    /// <summary>
    /// A subscriber stops for good (after settling what it handled): whatever it still holds goes back to the group at
    /// once, to be leased by the group's other consumers (a message waiting for its retry delay stays delayed). Nothing to
    /// do for a log that keeps one lease per group.
    /// </summary>
    /// <param name="topic">The topic.</param>
    /// <param name="group">The consumer group.</param>
    /// <param name="consumer">The subscriber that stops.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when recorded.</returns>
    Task LeaveAsync(string topic, string group, string consumer, CancellationToken cancellationToken);
}

/// <summary>A message as a topic log stores it.</summary>
/// <param name="Id">Unique message id.</param>
/// <param name="Data">Payload.</param>
/// <param name="ContentType">Payload MIME type.</param>
/// <param name="Metadata">Publish metadata.</param>
/// <param name="ExpiresAt">When the message expires undelivered; null for never.</param>
public sealed record StoredMessage(string Id, ReadOnlyMemory<byte> Data, string ContentType, IReadOnlyDictionary<string, string> Metadata, DateTimeOffset? ExpiresAt)
{
    /// <summary>The metadata as a durable log stores it: a JSON object of strings.</summary>
    /// <returns>The JSON text, e.g. <c>{"ttlInSeconds":"60"}</c>.</returns>
    public string MetadataJson() => System.Text.Json.JsonSerializer.Serialize(Metadata, ComponentsJson.Default.IReadOnlyDictionaryStringString);

    /// <summary>Reads metadata written by <see cref="MetadataJson"/>.</summary>
    /// <param name="json">The JSON object of strings.</param>
    /// <returns>The metadata; empty for JSON <c>null</c>.</returns>
    /// <exception cref="System.Text.Json.JsonException"><paramref name="json"/> is not a JSON object of strings.</exception>
    public static IReadOnlyDictionary<string, string> ParseMetadata(string json) =>
        System.Text.Json.JsonSerializer.Deserialize(json, ComponentsJson.Default.DictionaryStringString) ?? [];
}

/// <summary>A message leased to a consumer.</summary>
/// <param name="Message">The message.</param>
/// <param name="DeliveryAttempt">1 for the first lease of this message by this group, then 2, 3, ...</param>
/// <param name="Position">
/// Where the message sits in the topic's log, in the back end's own terms (a sequence number, a Redis stream entry
/// id): opaque to callers, it is how <see cref="ITopicLog.AcknowledgeAsync"/> and <see cref="ITopicLog.ReleaseAsync"/>
/// find the message without looking its id up.
/// </param>
public sealed record LeasedMessage(StoredMessage Message, int DeliveryAttempt, string Position);
