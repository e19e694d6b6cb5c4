using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudRuntimes.Host.Events;
using CloudRuntimes.PubSub;

namespace CloudRuntimes.Host.AppChannel;

/// <summary>A subscription's bulk options (Dapr <c>bulkSubscribe</c>): events per request and how long a request waits to fill.</summary>
/// <param name="MaxMessages">Most events in one request (Dapr <c>maxMessagesCount</c>, default 100).</param>
/// <param name="MaxAwait">Longest wait for more events before sending what there is (Dapr <c>maxAwaitDurationMs</c>, default 1 s).</param>
internal sealed record BulkOptions(int MaxMessages, TimeSpan MaxAwait)
{
    public const int DefaultMaxMessages = 100;

    public static readonly TimeSpan DefaultMaxAwait = TimeSpan.FromMilliseconds(1000);
}

/// <summary>
/// Delivers a bulk subscription's events to one app path in batches (Dapr bulk subscribe): events handed over together
/// are sent as one <c>{"id", "type": "com.dapr.event.sent.bulk", "topic", "pubsubname", "metadata", "entries": [{"entryId",
/// "event", "metadata", "contentType"}]}</c> request once <see cref="BulkOptions.MaxMessages"/> are waiting or
/// <see cref="BulkOptions.MaxAwait"/> has passed since the first; the app answers <c>{"statuses": [{"entryId", "status"}]}</c>.
/// An entry the answer does not mention, or any answer other than 2xx, is retried; 404 drops them all.
/// </summary>
internal sealed class BulkDelivery(AppSubscription subscription, BulkOptions options, string path, AppClient app, ILogger logger)
{
    private readonly System.Threading.Lock _gate = new();
    private List<PendingEntry> _waiting = [];
    private Timer? _timer;

    /// <summary>Queues an event; completes with its status once the request that carries it is answered.</summary>
    public Task<DeliveryStatus> DeliverAsync(TopicMessage message, byte[] envelope, CancellationToken cancellationToken)
    {
        var entry = new PendingEntry(message, envelope, new TaskCompletionSource<DeliveryStatus>(TaskCreationOptions.RunContinuationsAsynchronously));
        List<PendingEntry>? full = null;
        lock (_gate)
        {
            _waiting.Add(entry);
            if (_waiting.Count >= options.MaxMessages)
            {
                full = TakeWaiting();
            }
            else
            {
                _timer ??= new Timer(_ => Flush(), null, options.MaxAwait, Timeout.InfiniteTimeSpan);
            }
        }
        if (full is not null)
        {
            _ = SendAsync(full);
        }
        return entry.Status.Task.WaitAsync(cancellationToken);
    }

    private void Flush()
    {
        List<PendingEntry> batch;
        lock (_gate)
        {
            batch = TakeWaiting();
        }
        if (batch.Count > 0)
        {
            _ = SendAsync(batch);
        }
    }

    private List<PendingEntry> TakeWaiting()
    {
        var batch = _waiting;
        _waiting = [];
        _timer?.Dispose();
        _timer = null;
        return batch;
    }

    private async Task SendAsync(List<PendingEntry> batch)
    {
        Dictionary<string, DeliveryStatus> statuses;
        try
        {
            statuses = await RequestAsync(batch).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whatever went wrong, every event of the request must get an answer, or its delivery would wait forever.
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.LogWarning("bulk delivery of {Count} event(s) on {Topic} to {Path} failed: {Error}", batch.Count, subscription.Topic, path, e.Message);
            statuses = [];
        }
        foreach (var entry in batch)
        {
            entry.Status.TrySetResult(statuses.GetValueOrDefault(entry.Message.Id, DeliveryStatus.Retry));
        }
    }

    private async Task<Dictionary<string, DeliveryStatus>> RequestAsync(List<PendingEntry> batch)
    {
        var entries = new JsonArray();
        foreach (var entry in batch)
        {
            entries.Add(new JsonObject
            {
                ["entryId"] = entry.Message.Id,
                ["event"] = JsonNode.Parse(entry.Envelope),
                ["metadata"] = new JsonObject([.. entry.Message.Metadata.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)m.Value))]),
                ["contentType"] = CloudEventEnvelope.ContentType,
            });
        }
        var body = new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["type"] = "com.dapr.event.sent.bulk",
            ["topic"] = subscription.Topic,
            ["pubsubname"] = subscription.PubSubName,
            ["metadata"] = new JsonObject(),
            ["entries"] = entries,
        };
        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await app.SendAsync(HttpMethod.Post, path, content, null, CancellationToken.None).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return batch.ToDictionary(e => e.Message.Id, _ => DeliveryStatus.Drop, StringComparer.Ordinal);
        }
        if (!response.IsSuccessStatusCode)
        {
            return [];
        }
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
        var statuses = new Dictionary<string, DeliveryStatus>(StringComparer.Ordinal);
        foreach (var status in (answer?["statuses"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (status["entryId"]?.GetValue<string>() is { } id)
            {
                statuses[id] = status["status"]?.GetValue<string>()?.ToUpperInvariant() switch
                {
                    "SUCCESS" => DeliveryStatus.Success,
                    "DROP" => DeliveryStatus.Drop,
                    _ => DeliveryStatus.Retry,
                };
            }
        }
        return statuses;
    }

    private sealed record PendingEntry(TopicMessage Message, byte[] Envelope, TaskCompletionSource<DeliveryStatus> Status);
}
