namespace CloudRuntimes.Components.PubSub;

/// <summary>
/// Implemented by topic logs that store several messages in one write (the SQLite log: one transaction and one sync to
/// disk for a group of messages instead of one each). <see cref="TopicLogPubSub.PublishBulkAsync"/> hands a bulk publish
/// to it; over other logs a bulk publish appends its messages one at a time (<see cref="ITopicLog.AppendAsync"/>).
/// </summary>
public interface ITopicBatchAppend
{
    /// <summary>
    /// Appends messages to one topic, in order, a bounded group at a time: each group is written (durable, or failed) before
    /// the next is started, so a bulk never holds the log's writer for its whole length and a crash loses no message whose
    /// group was written. Each message succeeds or fails on its own (a failed write fails the messages in it; later
    /// groups are still tried).
    /// </summary>
    /// <param name="topic">The topic.</param>
    /// <param name="messages">The messages, in publish order.</param>
    /// <param name="cancellationToken">Checked before each group: once cancelled, no further group is started.</param>
    /// <returns>One entry per message, in the order given: null when it is stored, else why it was not.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled: the groups written before stay stored, the rest are not.</exception>
    Task<IReadOnlyList<Exception?>> AppendBatchAsync(string topic, IReadOnlyList<StoredMessage> messages, CancellationToken cancellationToken);
}
