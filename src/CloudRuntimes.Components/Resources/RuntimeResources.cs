namespace CloudRuntimes.Components.Resources;

/// <summary>The resources of a resources directory that apply to this app id (see <see cref="ResourceLoader"/>).</summary>
/// <param name="Components">The <c>Component</c> documents, in file order.</param>
/// <param name="Subscriptions">The declarative <c>Subscription</c> documents, in file order.</param>
public sealed record RuntimeResources(IReadOnlyList<ComponentDefinition> Components, IReadOnlyList<SubscriptionDefinition> Subscriptions)
{
    /// <summary>No resources.</summary>
    public static RuntimeResources Empty { get; } = new([], []);
}

/// <summary>A declarative subscription (Dapr <c>kind: Subscription</c>), as written; the runtime compiles its rules when it starts.</summary>
/// <param name="Name">The resource name (<c>metadata.name</c>).</param>
/// <param name="PubSubName">The pub/sub component (<c>spec.pubsubname</c>).</param>
/// <param name="Topic">The topic (<c>spec.topic</c>).</param>
/// <param name="DefaultRoute">The app path of events no rule matches (<c>spec.route</c> or <c>spec.routes.default</c>); null for none.</param>
/// <param name="Rules">Routing rules in order (<c>spec.routes.rules</c>).</param>
/// <param name="DeadLetterTopic">Where dropped and exhausted events go (<c>spec.deadLetterTopic</c>); null for none.</param>
/// <param name="Bulk">Bulk delivery settings when <c>spec.bulkSubscribe.enabled</c> is true; otherwise null.</param>
/// <param name="Metadata">The subscription's metadata (<c>spec.metadata</c>, a map of strings, such as <c>maxDeliveryAttempts</c>); empty when absent.</param>
/// <param name="SourceFile">The file it came from.</param>
public sealed record SubscriptionDefinition(
    string Name,
    string PubSubName,
    string Topic,
    string? DefaultRoute,
    IReadOnlyList<SubscriptionRule> Rules,
    string? DeadLetterTopic,
    BulkSubscribeSettings? Bulk,
    IReadOnlyDictionary<string, string> Metadata,
    string SourceFile);

/// <summary>A routing rule of a subscription: a CEL expression over the CloudEvent and the app path of the events it matches.</summary>
/// <param name="Match">The CEL expression.</param>
/// <param name="Path">The app path.</param>
public sealed record SubscriptionRule(string Match, string Path);

/// <summary>Bulk delivery settings as written (<c>maxMessagesCount</c>, <c>maxAwaitDurationMs</c>); null values take Dapr's defaults.</summary>
/// <param name="MaxMessagesCount">The text of <c>maxMessagesCount</c>, or null.</param>
/// <param name="MaxAwaitDurationMs">The text of <c>maxAwaitDurationMs</c>, or null.</param>
public sealed record BulkSubscribeSettings(string? MaxMessagesCount, string? MaxAwaitDurationMs);
