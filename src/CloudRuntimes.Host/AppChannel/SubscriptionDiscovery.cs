using System.Globalization;
using System.Text.Json.Nodes;
using CloudRuntimes.Components.Resources;

namespace CloudRuntimes.Host.AppChannel;

/// <summary>A subscription of the app to a topic: routing rules tried in order, then the default route (null for none); bulk when <paramref name="Bulk"/> is set.</summary>
internal sealed record AppSubscription(string PubSubName, string Topic, string? Route, IReadOnlyList<RoutingRule> Rules, string? DeadLetterTopic, int MaxDeliveryAttempts, bool Declarative, BulkOptions? Bulk = null)
{
    /// <summary>The routes as Dapr's metadata lists them: <c>[{match, path}]</c>, the rules in order, then the default route with an empty match.</summary>
    public JsonArray RoutesJson() => new([
        .. Rules.Select(r => (JsonNode)new JsonObject { ["match"] = r.Match, ["path"] = r.Path }),
        .. Route is { } route ? [(JsonNode)new JsonObject { ["match"] = "", ["path"] = route }] : Array.Empty<JsonNode>(),
    ]);
}

/// <summary>
/// Finds the app's subscriptions: declarative ones (<c>kind: Subscription</c> resources, compiled when the runtime
/// starts, so a bad rule fails the start with its file) and programmatic ones (read from the app by its channel once its
/// port is open: <c>GET /dapr/subscribe</c> parsed here, or gRPC <c>ListTopicSubscriptions</c>). One conversion for all:
/// HTTP routes get a leading <c>/</c>, rules are compiled as CEL, bulk settings take Dapr's defaults.
/// </summary>
internal static class SubscriptionDiscovery
{
    /// <summary>Delivery attempts of a message before it is dead-lettered or dropped, when the subscription does not say (Dapr's default).</summary>
    public const int DefaultMaxDeliveryAttempts = 5;

    /// <summary>The subscription metadata that sets how many times a message is delivered before it is dead-lettered or dropped.</summary>
    public const string MaxDeliveryAttemptsKey = "maxDeliveryAttempts";

    /// <summary>The declarative subscriptions of the resources directory.</summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ResourceInvalid"/>: a rule is not CEL, or bulk settings or <c>maxDeliveryAttempts</c> are not positive integers (the message names the file).</exception>
    public static List<AppSubscription> Declarative(RuntimeResources resources) =>
        [.. resources.Subscriptions.Select(definition => new AppSubscription(
            definition.PubSubName,
            definition.Topic,
            definition.DefaultRoute is null ? null : Normalize(definition.DefaultRoute),
            [.. definition.Rules.Select(rule => Rule(rule.Match, rule.Path, definition.SourceFile))],
            definition.DeadLetterTopic,
            definition.Metadata.TryGetValue(MaxDeliveryAttemptsKey, out var attempts) ? StrictMaxDeliveryAttempts(attempts, definition) : DefaultMaxDeliveryAttempts,
            Declarative: true,
            definition.Bulk is { } bulk ? Bulk(bulk.MaxMessagesCount, bulk.MaxAwaitDurationMs, definition.SourceFile) : null))];

    /// <summary>How long to wait before asking an app that did not answer for its subscriptions again: longer each time, at most 5 s.</summary>
    public static TimeSpan RetryDelay(int attempt) => TimeSpan.FromMilliseconds(Math.Min(200 * attempt, 5000));

    /// <summary>Parses <c>/dapr/subscribe</c> entries case-insensitively (Go's decoder is; the .NET SDK sends camelCase).</summary>
    public static List<AppSubscription> Parse(JsonArray entries)
    {
        var result = new List<AppSubscription>();
        foreach (var entry in entries.OfType<JsonObject>())
        {
            var pubsub = Field(entry, "pubsubname");
            var topic = Field(entry, "topic");
            if (pubsub is null || topic is null)
            {
                continue;
            }
            var where = $"/dapr/subscribe: topic {topic}";
            var route = Field(entry, "route");
            var rules = new List<RoutingRule>();
            if (Member(entry, "routes") is JsonObject routes)
            {
                route ??= Field(routes, "default");
                foreach (var rule in (Member(routes, "rules") as JsonArray ?? []).OfType<JsonObject>())
                {
                    rules.Add(Rule(Field(rule, "match"), Field(rule, "path"), where));
                }
            }
            var attempts = MaxDeliveryAttempts((Member(entry, "metadata") as JsonObject)?[MaxDeliveryAttemptsKey]?.GetValue<string>());
            var defaultRoute = route ?? (rules.Count == 0 ? topic : null);
            var bulk = Member(entry, "bulkSubscribe") as JsonObject;
            result.Add(new AppSubscription(pubsub, topic, defaultRoute is null ? null : Normalize(defaultRoute), rules, Field(entry, "deadLetterTopic"), attempts, Declarative: false,
                bulk is not null && Member(bulk, "enabled") is { } enabled && enabled.ToString().Equals("true", StringComparison.OrdinalIgnoreCase)
                    ? Bulk(Member(bulk, "maxMessagesCount")?.ToString(), Member(bulk, "maxAwaitDurationMs")?.ToString(), where)
                    : null));
        }
        return result;
    }

    /// <summary>An app's <c>maxDeliveryAttempts</c> metadata when it is a positive integer, else <see cref="DefaultMaxDeliveryAttempts"/>.</summary>
    public static int MaxDeliveryAttempts(string? text) => PositiveInteger(text) ?? DefaultMaxDeliveryAttempts;

    /// <summary>A declarative subscription's <c>maxDeliveryAttempts</c>: a positive integer, or the start fails naming the file.</summary>
    private static int StrictMaxDeliveryAttempts(string text, SubscriptionDefinition definition) =>
        PositiveInteger(text) ?? throw ResourceLoader.Invalid(definition.SourceFile, $"Subscription '{definition.Name}' metadata {MaxDeliveryAttemptsKey} must be a positive integer, got '{text}'");

    private static int? PositiveInteger(string? text) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;

    private static JsonNode? Member(JsonObject entry, string name) =>
        entry.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static string? Field(JsonObject entry, string name) => Member(entry, name)?.GetValue<string>();

    private static string Normalize(string route) => route.StartsWith('/') ? route : "/" + route;

    /// <summary>Bulk options from <c>maxMessagesCount</c> and <c>maxAwaitDurationMs</c> (Dapr's defaults when absent).</summary>
    /// <exception cref="CloudRuntimesException">A value is not a positive integer; the message names <paramref name="where"/>.</exception>
    public static BulkOptions Bulk(string? maxMessages, string? maxAwaitMs, string where)
    {
        static int? Positive(string? text) => text is null ? null : PositiveInteger(text) ?? -1;

        var count = Positive(maxMessages) ?? BulkOptions.DefaultMaxMessages;
        var wait = Positive(maxAwaitMs);
        if (count < 0 || wait < 0)
        {
            throw ResourceLoader.Invalid(where, "bulkSubscribe maxMessagesCount and maxAwaitDurationMs must be positive integers");
        }
        return new BulkOptions(count, wait is { } ms ? TimeSpan.FromMilliseconds(ms) : BulkOptions.DefaultMaxAwait);
    }

    /// <summary>A routing rule from its <c>match</c> and <c>path</c>; both are required.</summary>
    /// <exception cref="CloudRuntimesException">One is missing or the expression is not CEL; the message names <paramref name="where"/>.</exception>
    public static RoutingRule Rule(string? match, string? path, string where) => Rule(match, path, where, normalize: true);

    /// <summary>A routing rule; <paramref name="normalize"/> gives its path a leading <c>/</c> (HTTP routes; gRPC paths are taken as given).</summary>
    public static RoutingRule Rule(string? match, string? path, string where, bool normalize)
    {
        if (string.IsNullOrWhiteSpace(match) || string.IsNullOrWhiteSpace(path))
        {
            throw ResourceLoader.Invalid(where, "a routing rule needs a match and a path");
        }
        try
        {
            return RoutingRule.Compile(match, normalize ? Normalize(path) : path);
        }
        catch (CloudRuntimesException e)
        {
            throw ResourceLoader.Invalid(where, e.Message, e);
        }
    }
}
