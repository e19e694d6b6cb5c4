using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudRuntimes.PubSub;

namespace CloudRuntimes.Client;

/// <summary>The pub/sub building block over <c>/v1.0/publish/{pubsub}/{topic}</c> (Dapr publish API).</summary>
public sealed class PubSubClient
{
    private readonly ApiTransport _api;

    internal PubSubClient(ApiTransport api) => _api = api;

    /// <summary>Publishes data; the runtime wraps it in a CloudEvent unless <c>rawPayload</c> metadata is <c>true</c>.</summary>
    /// <param name="pubsub">Pub/sub component name.</param>
    /// <param name="topic">The topic.</param>
    /// <param name="data">Payload bytes.</param>
    /// <param name="contentType">Payload MIME type (<c>application/cloudevents+json</c> for a caller-built envelope).</param>
    /// <param name="metadata">Metadata such as <c>ttlInSeconds</c>, <c>rawPayload</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the runtime stored the message.</returns>
    /// <exception cref="CloudRuntimesException"><c>ERR_PUBSUB_NOT_FOUND</c>, <c>ERR_PUBSUB_PUBLISH_MESSAGE</c>, ...</exception>
    public async Task PublishAsync(string pubsub, string topic, ReadOnlyMemory<byte> data, string contentType = "application/json", IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        using var content = new ByteArrayContent(data.ToArray());
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await _api.SendCheckedAsync(HttpMethod.Post, $"v1.0/publish/{ApiTransport.Escape(pubsub)}/{ApiTransport.EscapePath(topic)}{ApiTransport.Query(metadata)}", content, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Synchronous <see cref="PublishAsync"/>; blocks the calling thread.</summary>
    /// <param name="pubsub">Pub/sub component name.</param>
    /// <param name="topic">The topic.</param>
    /// <param name="data">Payload bytes.</param>
    /// <param name="contentType">Payload MIME type.</param>
    /// <param name="metadata">Metadata.</param>
    public void Publish(string pubsub, string topic, ReadOnlyMemory<byte> data, string contentType = "application/json", IReadOnlyDictionary<string, string>? metadata = null) =>
        PublishAsync(pubsub, topic, data, contentType, metadata).GetAwaiter().GetResult();

    /// <summary>Serializes a value as JSON and publishes it.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="pubsub">Pub/sub component name.</param>
    /// <param name="topic">The topic.</param>
    /// <param name="value">The value.</param>
    /// <param name="metadata">Metadata.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when stored.</returns>
    public Task PublishEventAsync<T>(string pubsub, string topic, T value, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) =>
        PublishAsync(pubsub, topic, JsonSerializer.SerializeToUtf8Bytes(value, JsonSerializerOptions.Web), "application/json", metadata, cancellationToken);

    /// <summary>Publishes several JSON events in one request (Dapr bulk publish).</summary>
    /// <param name="pubsub">Pub/sub component name.</param>
    /// <param name="topic">The topic.</param>
    /// <param name="entries">Entries with unique ids; data must be UTF-8 JSON.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The failed entries (empty when all were published).</returns>
    public async Task<IReadOnlyList<BulkPublishFailure>> PublishBulkAsync(string pubsub, string topic, IReadOnlyList<BulkPublishEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var body = new JsonArray([.. entries.Select(e => (JsonNode)new JsonObject
        {
            ["entryId"] = e.EntryId,
            ["event"] = JsonNode.Parse(e.Data.Span),
            ["contentType"] = e.ContentType,
            ["metadata"] = e.Metadata is null ? null : StateClient.ToJson(e.Metadata),
        })]);
        var response = await _api.SendAsync(HttpMethod.Post, $"v1.0-alpha1/publish/bulk/{ApiTransport.Escape(pubsub)}/{ApiTransport.EscapePath(topic)}", ApiTransport.Json(body), cancellationToken).ConfigureAwait(false);
        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return [];
            }
            var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)) as JsonObject;
            if (json?["failedEntries"] is JsonArray failed)
            {
                return [.. failed.OfType<JsonObject>().Select(f => new BulkPublishFailure(f["entryId"]!.GetValue<string>(), f["error"]?.GetValue<string>() ?? ""))];
            }
            throw new CloudRuntimesException(CloudRuntimesError.FromWire(json?["errorCode"]?.GetValue<string>() ?? CloudRuntimesErrors.PubSubPublish.Code, (int)response.StatusCode), json?["message"]?.GetValue<string>() ?? $"bulk publish failed with {(int)response.StatusCode}");
        }
    }
}
