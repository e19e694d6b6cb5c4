using System.Text.Json;
using System.Text.Json.Nodes;
using CloudRuntimes.Host.Events;
using CloudRuntimes.PubSub;

namespace CloudRuntimes.Host.Api;

/// <summary>Dapr publish API: <c>/v1.0/publish/{pubsub}/{topic}</c> and bulk publish.</summary>
internal static class PubSubEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapMethods("/v1.0/publish/bulk/{pubsub}/{**topic}", ["POST", "PUT"], PublishBulkAsync);
        routes.MapMethods("/v1.0-alpha1/publish/bulk/{pubsub}/{**topic}", ["POST", "PUT"], PublishBulkAsync);
        routes.MapMethods("/v1.0/publish/{pubsub}/{**topic}", ["POST", "PUT"], PublishAsync);
    }

    private static async Task<IResult> PublishAsync(string pubsub, string? topic, HttpRequest request, ICloudRuntimesComponents components, RuntimeOptions options, CancellationToken cancellationToken)
    {
        var broker = components.GetPubSub(pubsub);
        if (string.IsNullOrEmpty(topic))
        {
            return ApiErrors.Result(CloudRuntimesErrors.TopicNameEmpty, "topic is empty");
        }
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        var metadata = RequestMetadata.From(request);
        var contentType = request.ContentType ?? "text/plain";
        var (data, storedType, error) = Envelope(buffer.ToArray(), contentType, metadata, options.AppId, pubsub, topic);
        if (error is not null)
        {
            return error;
        }
        await broker.PublishAsync(new PublishRequest(topic, data, storedType, metadata), cancellationToken);
        return Results.NoContent();
    }

    private static async Task<IResult> PublishBulkAsync(string pubsub, string? topic, HttpRequest request, ICloudRuntimesComponents components, RuntimeOptions options, CancellationToken cancellationToken)
    {
        var broker = components.GetPubSub(pubsub);
        if (string.IsNullOrEmpty(topic))
        {
            return ApiErrors.Result(CloudRuntimesErrors.TopicNameEmpty, "topic is empty");
        }
        var (entries, error) = await ApiJson.ReadAsync<List<BulkEntryBody>>(request, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        var requestMetadata = RequestMetadata.From(request);
        var bulk = new List<BulkPublishEntry>();
        foreach (var entry in entries!)
        {
            if (string.IsNullOrEmpty(entry.EntryId))
            {
                return ApiErrors.Malformed("entryId is required for every bulk publish entry");
            }
            var metadata = RequestMetadata.Merge(requestMetadata, entry.Metadata);
            var contentType = entry.ContentType ?? "application/json";
            var raw = entry.Event is { } value
                ? value.ValueKind == JsonValueKind.String && !contentType.Contains("json", StringComparison.OrdinalIgnoreCase)
                    ? System.Text.Encoding.UTF8.GetBytes(value.GetString()!)
                    : JsonSerializer.SerializeToUtf8Bytes(value)
                : [];
            var (data, storedType, entryError) = Envelope(raw, contentType, metadata, options.AppId, pubsub, topic);
            if (entryError is not null)
            {
                return entryError;
            }
            bulk.Add(new BulkPublishEntry(entry.EntryId, data, storedType, metadata));
        }
        var failures = await broker.PublishBulkAsync(topic, bulk, cancellationToken);
        if (failures.Count == 0)
        {
            return Results.NoContent();
        }
        return Results.Json(new JsonObject
        {
            ["failedEntries"] = new JsonArray([.. failures.Select(f => (JsonNode)new JsonObject { ["entryId"] = f.EntryId, ["error"] = f.Error })]),
            ["errorCode"] = CloudRuntimesErrors.PubSubPublish.Code,
        }, statusCode: 500);
    }

    private static (byte[] Data, string ContentType, IResult? Error) Envelope(byte[] body, string contentType, Dictionary<string, string> metadata, string appId, string pubsub, string topic)
    {
        if (metadata.TryGetValue(PubSubMetadata.RawPayload, out var raw) && string.Equals(raw, "true", StringComparison.OrdinalIgnoreCase))
        {
            return (body, contentType, null);
        }
        if (contentType.StartsWith(CloudEventEnvelope.ContentType, StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                return (CloudEventEnvelope.Complete(body, appId, pubsub, topic), CloudEventEnvelope.ContentType, null);
            }
            catch (JsonException e)
            {
                return ([], "", ApiErrors.Malformed($"body is not a CloudEvent JSON object: {e.Message}"));
            }
        }
        return (CloudEventEnvelope.Wrap(body, contentType, appId, pubsub, topic, metadata), CloudEventEnvelope.ContentType, null);
    }

    internal sealed record BulkEntryBody(string? EntryId, JsonElement? Event, string? ContentType, Dictionary<string, string>? Metadata);
}
