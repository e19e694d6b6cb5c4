using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudRuntimes.Components.Hosting;
using CloudRuntimes.Host.Hosting;
using CloudRuntimes.PubSub;
using YamlDotNet.RepresentationModel;

namespace CloudRuntimes.Host.AppChannel;

/// <summary>A subscription of the app to a topic: routing rules tried in order, then the default route (null for none); bulk when <paramref name="Bulk"/> is set.</summary>
internal sealed record AppSubscription(string PubSubName, string Topic, string? Route, IReadOnlyList<RoutingRule> Rules, string? DeadLetterTopic, int MaxDeliveryAttempts, bool Declarative, BulkOptions? Bulk = null);

/// <summary>
/// Discovers the app's subscriptions (<c>GET /dapr/subscribe</c> and declarative <c>kind: Subscription</c> YAML),
/// subscribes to the pub/sub components, and delivers each message as a CloudEvent to the path of the first routing
/// rule (CEL) that matches it, else to the default route (an event neither matches is skipped, as Dapr does):
/// 2xx with status SUCCESS (or no status) acknowledges, RETRY or any non-2xx other than 404 retries, DROP or 404 drops
/// (to the dead-letter topic when one is set).
/// </summary>
internal sealed class AppSubscriptions(ICloudRuntimesComponents components, AppClient app, RuntimeOptions options, IHostApplicationLifetime lifetime, ILogger<AppSubscriptions> logger) : IHostedService, IAsyncDisposable
{
    private const int DefaultMaxDeliveryAttempts = 5;
    private readonly List<IAsyncDisposable> _handles = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(AppSubscription, string), BulkDelivery> _bulk = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task _opening = Task.CompletedTask;
    private volatile IReadOnlyList<AppSubscription> _subscriptions = [];
    private volatile bool _ready;

    /// <summary>True once the app channel is initialised (or there is no app).</summary>
    public bool Ready => _ready || !app.Configured;

    public IReadOnlyList<AppSubscription> All => _subscriptions;

    /// <summary>
    /// Opens the app channel in the background, so the runtime's API listens (and <c>/v1.0/healthz/outbound</c> answers)
    /// while the app is still starting: once the app's port is open, its subscriptions are read and subscribed.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _opening = Task.Run(() => OpenAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task OpenAsync(CancellationToken stopping)
    {
        try
        {
            await SubscribeAllAsync(stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // The runtime cannot serve the app without its subscriptions: stop, as a failed start would, with the reason.
            logger.LogCritical("opening the app channel failed: {Error}", e.Message);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    private async Task SubscribeAllAsync(CancellationToken cancellationToken)
    {
        var subscriptions = Declarative();
        if (app.Configured)
        {
            await app.WaitForAppAsync(cancellationToken);
            subscriptions.AddRange(await ProgrammaticAsync(cancellationToken));
        }
        _subscriptions = subscriptions;
        foreach (var subscription in subscriptions)
        {
            IPubSub broker;
            try
            {
                broker = components.GetPubSub(subscription.PubSubName);
            }
            catch (CloudRuntimesException e)
            {
                logger.LogWarning("subscription to {Topic} ignored: {Error}", subscription.Topic, e.Message);
                continue;
            }
            // A bulk subscription lets a leased batch reach the app together, to be sent in one request.
            var topicSubscription = new TopicSubscription(subscription.Topic, options.AppId, subscription.DeadLetterTopic, subscription.MaxDeliveryAttempts, MaxConcurrentDeliveries: subscription.Bulk?.MaxMessages);
            try
            {
                _handles.Add(await broker.SubscribeAsync(topicSubscription, (message, token) => DeliverAsync(subscription, message, token), cancellationToken));
            }
            catch (CloudRuntimesException e) when (e.ErrorCode == CloudRuntimesErrorCodes.PubSubForbidden)
            {
                // As Dapr: a subscription the component's topic scoping does not grant is not made.
                logger.LogWarning("subscription to {PubSub}/{Topic} ignored: {Error}", subscription.PubSubName, subscription.Topic, e.Message);
                continue;
            }
            logger.LogInformation("app subscribed to {PubSub}/{Topic} at {Route}", subscription.PubSubName, subscription.Topic, subscription.Route);
        }
        _ready = true;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _opening;
        foreach (var handle in _handles)
        {
            await handle.DisposeAsync();
        }
        _handles.Clear();
    }

    private async Task<DeliveryStatus> DeliverAsync(AppSubscription subscription, TopicMessage message, CancellationToken cancellationToken)
    {
        var body = message.ContentType.StartsWith(Api.CloudEventEnvelope.ContentType, StringComparison.OrdinalIgnoreCase)
            ? message.Data.ToArray()
            : Api.CloudEventEnvelope.ForRawPayload(message.Id, message.Data, message.ContentType, subscription.PubSubName, subscription.Topic);
        using var envelope = Api.CloudEventEnvelope.TryParse(body);
        if (EventRouting.RouteFor(subscription, envelope?.RootElement) is not { } route)
        {
            logger.LogWarning("no route of the subscription to {PubSub}/{Topic} matches message {Id}; skipped", subscription.PubSubName, subscription.Topic, message.Id);
            return DeliveryStatus.Success;
        }
        if (subscription.Bulk is { } bulk)
        {
            var batcher = _bulk.GetOrAdd((subscription, route), key => new BulkDelivery(key.Item1, bulk, key.Item2, app, logger));
            return await batcher.DeliverAsync(message, body, cancellationToken);
        }
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(Api.CloudEventEnvelope.ContentType);
        var trace = Api.CloudEventEnvelope.TraceHeadersOf(envelope?.RootElement);
        using var delivery = JoinTrace(trace);
        using var response = await app.SendAsync(HttpMethod.Post, route, content, trace, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return DeliveryStatus.Drop;
        }
        if (!response.IsSuccessStatusCode)
        {
            return DeliveryStatus.Retry;
        }
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(text))
        {
            return DeliveryStatus.Success;
        }
        try
        {
            var status = JsonNode.Parse(text)?["status"]?.GetValue<string>();
            return status?.ToUpperInvariant() switch
            {
                null or "" or "SUCCESS" => DeliveryStatus.Success,
                "DROP" => DeliveryStatus.Drop,
                _ => DeliveryStatus.Retry,
            };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return DeliveryStatus.Success;
        }
    }

    /// <summary>
    /// An activity in the event's trace (parented on its <c>traceparent</c>) for the call to the app, so the HTTP client
    /// propagates that trace rather than the delivery loop's; null when the event carries no trace context.
    /// </summary>
    private static System.Diagnostics.Activity? JoinTrace(Dictionary<string, string> trace)
    {
        if (!trace.TryGetValue("traceparent", out var parent))
        {
            return null;
        }
        var activity = new System.Diagnostics.Activity("pubsub.deliver.app");
        activity.SetParentId(parent);
        if (trace.TryGetValue("tracestate", out var state))
        {
            activity.TraceStateString = state;
        }
        return activity.Start();
    }

    private async Task<List<AppSubscription>> ProgrammaticAsync(CancellationToken cancellationToken)
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
        string? Field(JsonObject entry, string name) =>
            entry.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.GetValue<string>();

        var result = new List<AppSubscription>();
        foreach (var entry in entries.OfType<JsonObject>())
        {
            var pubsub = Field(entry, "pubsubname");
            var topic = Field(entry, "topic");
            if (pubsub is null || topic is null)
            {
                continue;
            }
            var route = Field(entry, "route");
            var rules = new List<RoutingRule>();
            if (entry.FirstOrDefault(p => string.Equals(p.Key, "routes", StringComparison.OrdinalIgnoreCase)).Value is JsonObject routes)
            {
                route ??= Field(routes, "default");
                foreach (var rule in (routes.FirstOrDefault(p => string.Equals(p.Key, "rules", StringComparison.OrdinalIgnoreCase)).Value as JsonArray ?? []).OfType<JsonObject>())
                {
                    rules.Add(Rule(Field(rule, "match"), Field(rule, "path"), $"/dapr/subscribe: topic {topic}"));
                }
            }
            var metadata = entry.FirstOrDefault(p => string.Equals(p.Key, "metadata", StringComparison.OrdinalIgnoreCase)).Value as JsonObject;
            var attempts = metadata?["maxDeliveryAttempts"]?.GetValue<string>() is { } text && int.TryParse(text, out var n) ? n : DefaultMaxDeliveryAttempts;
            var defaultRoute = route ?? (rules.Count == 0 ? topic : null);
            var bulk = entry.FirstOrDefault(p => string.Equals(p.Key, "bulkSubscribe", StringComparison.OrdinalIgnoreCase)).Value as JsonObject;
            result.Add(new AppSubscription(pubsub, topic, defaultRoute is null ? null : Normalize(defaultRoute), rules, Field(entry, "deadLetterTopic"), attempts, Declarative: false,
                bulk is not null && BulkValue(bulk, "enabled") is { } enabled && enabled.ToString().Equals("true", StringComparison.OrdinalIgnoreCase)
                    ? Bulk(BulkValue(bulk, "maxMessagesCount")?.ToString(), BulkValue(bulk, "maxAwaitDurationMs")?.ToString(), $"/dapr/subscribe: topic {topic}")
                    : null));
        }
        return result;
    }

    /// <summary><c>kind: Subscription</c> documents (v1alpha1 <c>spec.route</c>, v2alpha1 <c>spec.routes.default</c>) in the components directory.</summary>
    private List<AppSubscription> Declarative()
    {
        if (options.ComponentsPath is not { } directory || !Directory.Exists(directory))
        {
            return [];
        }
        var result = new List<AppSubscription>();
        foreach (var file in Directory.EnumerateFiles(directory).Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal))
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(File.ReadAllText(file)));
            foreach (var document in stream.Documents)
            {
                if (document.RootNode is not YamlMappingNode root || Scalar(root, "kind") != "Subscription" || Child(root, "spec") is not YamlMappingNode spec)
                {
                    continue;
                }
                var scopes = Child(root, "scopes") as YamlSequenceNode;
                if (scopes is not null && !scopes.Children.OfType<YamlScalarNode>().Any(s => s.Value == options.AppId))
                {
                    continue;
                }
                var routes = Child(spec, "routes") as YamlMappingNode;
                var route = Scalar(spec, "route") ?? (routes is null ? null : Scalar(routes, "default"));
                var rules = (routes is not null && Child(routes, "rules") is YamlSequenceNode list ? list.Children.OfType<YamlMappingNode>() : [])
                    .Select(rule => Rule(Scalar(rule, "match"), Scalar(rule, "path"), file)).ToList();
                var pubsub = Scalar(spec, "pubsubname");
                var topic = Scalar(spec, "topic");
                if (pubsub is null || topic is null || (route is null && rules.Count == 0))
                {
                    throw new CloudRuntimesException(CloudRuntimesErrorCodes.MalformedRequest, $"{file}: a Subscription needs spec.pubsubname, spec.topic and spec.route (or spec.routes.default or spec.routes.rules)");
                }
                var bulk = Child(spec, "bulkSubscribe") as YamlMappingNode;
                result.Add(new AppSubscription(pubsub, topic, route is null ? null : Normalize(route), rules, Scalar(spec, "deadLetterTopic"), DefaultMaxDeliveryAttempts, Declarative: true,
                    bulk is not null && string.Equals(Scalar(bulk, "enabled"), "true", StringComparison.OrdinalIgnoreCase)
                        ? Bulk(Scalar(bulk, "maxMessagesCount"), Scalar(bulk, "maxAwaitDurationMs"), file)
                        : null));
            }
        }
        return result;
    }

    private static string Normalize(string route) => route.StartsWith('/') ? route : "/" + route;

    private static JsonNode? BulkValue(JsonObject bulk, string name) =>
        bulk.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>Bulk options from <c>maxMessagesCount</c> and <c>maxAwaitDurationMs</c> (Dapr's defaults when absent).</summary>
    /// <exception cref="CloudRuntimesException">A value is not a positive integer; the message names <paramref name="where"/>.</exception>
    private static BulkOptions Bulk(string? maxMessages, string? maxAwaitMs, string where)
    {
        static int? Positive(string? text) => text is null ? null : int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0 ? n : -1;

        var count = Positive(maxMessages) ?? BulkOptions.DefaultMaxMessages;
        var wait = Positive(maxAwaitMs);
        if (count < 0 || wait < 0)
        {
            throw new CloudRuntimesException(CloudRuntimesErrorCodes.MalformedRequest, $"{where}: bulkSubscribe maxMessagesCount and maxAwaitDurationMs must be positive integers");
        }
        return new BulkOptions(count, wait is { } ms ? TimeSpan.FromMilliseconds(ms) : BulkOptions.DefaultMaxAwait);
    }

    /// <summary>A routing rule from its <c>match</c> and <c>path</c>; both are required.</summary>
    /// <exception cref="CloudRuntimesException">One is missing or the expression is not CEL; the message names <paramref name="where"/>.</exception>
    private static RoutingRule Rule(string? match, string? path, string where)
    {
        if (string.IsNullOrWhiteSpace(match) || string.IsNullOrWhiteSpace(path))
        {
            throw new CloudRuntimesException(CloudRuntimesErrorCodes.MalformedRequest, $"{where}: a routing rule needs a match and a path");
        }
        try
        {
            return RoutingRule.Compile(match, Normalize(path));
        }
        catch (CloudRuntimesException e)
        {
            throw new CloudRuntimesException(e.ErrorCode, $"{where}: {e.Message}", e);
        }
    }

    private static YamlNode? Child(YamlMappingNode node, string key) => node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string? Scalar(YamlMappingNode node, string key) => Child(node, key) is YamlScalarNode scalar ? scalar.Value : null;
}
