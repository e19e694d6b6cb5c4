namespace CloudRuntimes.Components.PubSub;

/// <summary>
/// Implemented by topic logs that can drop what nobody waits for (the SQLite log): messages of topics that no consumer
/// group has joined. Every other message stays until each group of its topic has acknowledged it. <see cref="TopicLogPubSub"/>
/// calls it periodically with the component's <c>unsubscribedRetention</c>, so messages published to topic names nobody
/// subscribes to — random names from an attacker — do not accumulate forever.
/// </summary>
public interface ITopicRetention
{
    /// <summary>Deletes the messages published before <paramref name="publishedBefore"/> to topics that no consumer group has joined.</summary>
    /// <param name="publishedBefore">Messages published before this time are deleted.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many messages were deleted.</returns>
    Task<long> TrimUnsubscribedAsync(DateTimeOffset publishedBefore, CancellationToken cancellationToken);
}
