using System.Globalization;
using System.Net;
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
/// starts, so a bad rule fails the start with its file) and programmatic ones (<c>GET /dapr/subscribe</c> on the app,
/// read once its port is open). One conversion for both: routes get a leading <c>/</c>, rules are compiled as CEL,
/// bulk settings take Dapr's defaults.
/// </summary>
internal static class SubscriptionDiscovery
{
    /// <summary>Delivery attempts of a message before it is dead-lettered or dropped, when the subscription does not say (Dapr's default).</summary>
    public const int DefaultMaxDeliveryAttempts = 5;

    /// <summary>The declarative subscriptions of the resources directory.</summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ResourceInvalid"/>: a rule is not CEL or bulk settings are not positive integers (the message names the file).</exception>
    public static List<AppSubscription> Declarative(RuntimeResources resources) =>
        [.. resources.Subscriptions.Select(definition => new AppSubscription(
            definition.PubSubName,
            definition.Topic,
            definition.DefaultRoute is null ? null : Normalize(definition.DefaultRoute),
            [.. definition.Rules.Select(rule => Rule(rule.Match, rule.Path, definition.SourceFile))],
            definition.DeadLetterTopic,
            DefaultMaxDeliveryAttempts,
            Declarative: true,
            definition.Bulk is { } bulk ? Bulk(bulk.MaxMessagesCount, bulk.MaxAwaitDurationMs, definition.SourceFile) : null))];

    /// <summary>Reads <c>GET /dapr/subscribe</c> from the app, asking again (less and less often) until it answers; 404 means none.</summary>
    public static async Task<List<AppSubscription>> ProgrammaticAsync(AppClient app, ILogger logger, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var response = await app.SendAsync(HttpMethod.Get, "/dapr/subscribe", null, null, cancellationToken);
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    return [];
                }
                response.EnsureSuccessStatusCode();
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                return string.IsNullOrWhiteSpace(text) ? [] : Parse(JsonNode.Parse(text) as JsonArray ?? []);
            }
            catch (HttpRequestException e)
            {
                // The port is open but the app is not answering yet (or answered an error): ask again, less often.
                logger.LogInformation("reading the app's subscriptions at {App}/dapr/subscribe failed ({Error}); retrying", app.AppBase, e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(200 * attempt, 5000)), cancellationToken);
            }
        }
    }

    /// <summary>Parses <c>/dapr/subscribe</c> entries case-insensitively (Go's decoder is; the .NET SDK sends camelCase).</summary>
    private static List<AppSubscription> Parse(JsonArray entries)
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
            var attempts = (Member(entry, "metadata") as JsonObject)?["maxDeliveryAttempts"]?.GetValue<string>() is { } text && int.TryParse(text, out var n) ? n : DefaultMaxDeliveryAttempts;
            var defaultRoute = route ?? (rules.Count == 0 ? topic : null);
            var bulk = Member(entry, "bulkSubscribe") as JsonObject;
            result.Add(new AppSubscription(pubsub, topic, defaultRoute is null ? null : Normalize(defaultRoute), rules, Field(entry, "deadLetterTopic"), attempts, Declarative: false,
                bulk is not null && Member(bulk, "enabled") is { } enabled && enabled.ToString().Equals("true", StringComparison.OrdinalIgnoreCase)
                    ? Bulk(Member(bulk, "maxMessagesCount")?.ToString(), Member(bulk, "maxAwaitDurationMs")?.ToString(), where)
                    : null));
        }
        return result;
    }

    private static JsonNode? Member(JsonObject entry, string name) =>
        entry.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static string? Field(JsonObject entry, string name) => Member(entry, name)?.GetValue<string>();

    private static string Normalize(string route) => route.StartsWith('/') ? route : "/" + route;

    /// <summary>Bulk options from <c>maxMessagesCount</c> and <c>maxAwaitDurationMs</c> (Dapr's defaults when absent).</summary>
    /// <exception cref="CloudRuntimesException">A value is not a positive integer; the message names <paramref name="where"/>.</exception>
    private static BulkOptions Bulk(string? maxMessages, string? maxAwaitMs, string where)
    {
        static int? Positive(string? text) => text is null ? null : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : -1;

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
    private static RoutingRule Rule(string? match, string? path, string where)
    {
        if (string.IsNullOrWhiteSpace(match) || string.IsNullOrWhiteSpace(path))
        {
            throw ResourceLoader.Invalid(where, "a routing rule needs a match and a path");
        }
        try
        {
            return RoutingRule.Compile(match, Normalize(path));
        }
        catch (CloudRuntimesException e)
        {
            throw ResourceLoader.Invalid(where, e.Message, e);
        }
    }
}
