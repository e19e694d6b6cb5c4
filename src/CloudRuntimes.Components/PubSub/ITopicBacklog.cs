namespace CloudRuntimes.Components.PubSub;

/// <summary>
/// What a consumer group still has to process on a topic: implemented by topic logs that can count it cheaply (the
/// SQLite and in-memory logs) and by <see cref="TopicLogPubSub"/>, which asks its log. Reached through
/// <c>ICloudRuntimesComponents.TryGet&lt;ITopicBacklog&gt;(name)</c>; the dashboard shows it per subscription.
/// </summary>
public interface ITopicBacklog
{
    /// <summary>Counts the messages of <paramref name="topic"/> that <paramref name="group"/> has not acknowledged (those under its lease included).</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="group">The consumer group (the app id by default).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The count; 0 for a topic or group the log does not know; null when the log cannot count.</returns>
    Task<long?> BacklogAsync(string topic, string group, CancellationToken cancellationToken);
}
