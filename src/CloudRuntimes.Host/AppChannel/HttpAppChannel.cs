using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudRuntimes.Bindings;
using CloudRuntimes.Host.Events;
using CloudRuntimes.Jobs;
using CloudRuntimes.PubSub;

namespace CloudRuntimes.Host.AppChannel;

/// <summary>
/// The app channel over HTTP (Dapr's app routes): <c>GET /dapr/subscribe</c>; events POSTed to their route as
/// CloudEvents (2xx with status SUCCESS or no status acknowledges, RETRY or any non-2xx other than 404 retries, DROP or
/// 404 drops); bulk events as one <c>com.dapr.event.sent.bulk</c> request answered <c>{"statuses"}</c>; input bindings
/// probed with <c>OPTIONS /{binding}</c> (404 = not interested) and POSTed to <c>/{binding}</c>; jobs to <c>/job/{name}</c>;
/// configuration updates to <c>/configuration/{store}/{key}</c>.
/// </summary>
internal sealed class HttpAppChannel(AppClient app, ILogger<HttpAppChannel> logger) : IAppChannel
{
    public Task WaitForAppAsync(CancellationToken cancellationToken, bool report = true) => app.WaitForAppAsync(cancellationToken, report);

    public async Task<IReadOnlyList<AppSubscription>> ListSubscriptionsAsync(CancellationToken cancellationToken)
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
                return string.IsNullOrWhiteSpace(text) ? [] : SubscriptionDiscovery.Parse(JsonNode.Parse(text) as JsonArray ?? []);
            }
            catch (HttpRequestException e)
            {
                // The port is open but the app is not answering yet (or answered an error): ask again, less often.
                logger.LogInformation("reading the app's subscriptions at {App}/dapr/subscribe failed ({Error}); retrying", app.AppBase, e.Message);
                await Task.Delay(SubscriptionDiscovery.RetryDelay(attempt), cancellationToken);
            }
        }
    }

    public async Task<DeliveryStatus> DeliverEventAsync(AppSubscription subscription, string route, TopicMessage message, byte[] envelope, IReadOnlyDictionary<string, string> trace, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(envelope);
        content.Headers.ContentType = new MediaTypeHeaderValue(CloudEventEnvelope.ContentType);
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
            return JsonNode.Parse(text)?["status"]?.GetValue<string>() is { } status ? StatusOf(status, DeliveryStatus.Success) : DeliveryStatus.Success;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return DeliveryStatus.Success;
        }
    }

    public async Task<IReadOnlyDictionary<string, DeliveryStatus>> DeliverBulkAsync(AppSubscription subscription, string route, IReadOnlyList<BulkEntry> entries, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["type"] = "com.dapr.event.sent.bulk",
            ["topic"] = subscription.Topic,
            ["pubsubname"] = subscription.PubSubName,
            ["metadata"] = new JsonObject(),
            ["entries"] = new JsonArray([.. entries.Select(entry => (JsonNode)new JsonObject
            {
                ["entryId"] = entry.Message.Id,
                ["event"] = JsonNode.Parse(entry.Envelope),
                ["metadata"] = new JsonObject([.. entry.Message.Metadata.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)m.Value))]),
                ["contentType"] = CloudEventEnvelope.ContentType,
            })]),
        };
        using var content = new ByteArrayContent(Api.ApiJson.Bytes(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await app.SendAsync(HttpMethod.Post, route, content, null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return entries.ToDictionary(e => e.Message.Id, _ => DeliveryStatus.Drop, StringComparer.Ordinal);
        }
        if (!response.IsSuccessStatusCode)
        {
            return new Dictionary<string, DeliveryStatus>();
        }
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var statuses = new Dictionary<string, DeliveryStatus>(StringComparer.Ordinal);
        foreach (var status in (answer?["statuses"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (status["entryId"]?.GetValue<string>() is { } id)
            {
                statuses[id] = StatusOf(status["status"]?.GetValue<string>(), DeliveryStatus.Retry);
            }
        }
        return statuses;
    }

    public async Task<bool> WantsBindingAsync(string name, CancellationToken cancellationToken)
    {
        using var probe = await app.SendAsync(HttpMethod.Options, "/" + name, null, null, cancellationToken);
        return probe.StatusCode != HttpStatusCode.NotFound;
    }

    public Task DeliverBindingAsync(string name, BindingEvent bindingEvent, CancellationToken cancellationToken) =>
        PostAsync("/" + name, bindingEvent.Data, bindingEvent.Metadata, $"input binding {name}", cancellationToken);

    public Task DeliverJobAsync(Job job, CancellationToken cancellationToken) =>
        PostAsync("/job/" + Uri.EscapeDataString(job.Name), job.Data, null, $"job {job.Name}", cancellationToken);

    public Task NotifyConfigurationAsync(string store, string key, byte[] update, CancellationToken cancellationToken) =>
        PostAsync($"/configuration/{Uri.EscapeDataString(store)}/{Uri.EscapeDataString(key)}", update, null, $"the configuration update of {store}/{key}", cancellationToken);

    private async Task PostAsync(string path, ReadOnlyMemory<byte> body, IReadOnlyDictionary<string, string>? headers, string what, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await app.SendAsync(HttpMethod.Post, path, content, headers, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            logger.LogWarning("app answered {Status} to {What}", (int)response.StatusCode, what);
        }
    }

    /// <summary>An app's status text: SUCCESS (and, for a single event, no status) acknowledges, DROP drops, anything else retries.</summary>
    private static DeliveryStatus StatusOf(string? status, DeliveryStatus whenEmpty) => status?.ToUpperInvariant() switch
    {
        null or "" => whenEmpty,
        "SUCCESS" => DeliveryStatus.Success,
        "DROP" => DeliveryStatus.Drop,
        _ => DeliveryStatus.Retry,
    };
}
