using System.Text.Json;
using System.Text.Json.Nodes;
using CloudRuntimes.Host.Blocks;

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

    private static async Task<IResult> PublishAsync(string pubsub, string? topic, HttpRequest request, PubSubService publisher, CancellationToken cancellationToken)
    {
        _ = publisher.Broker(pubsub, topic);
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        await publisher.PublishAsync(pubsub, topic, buffer.ToArray(), request.ContentType ?? "text/plain", RequestMetadata.From(request), cancellationToken);
        return Results.NoContent();
    }

    private static async Task<IResult> PublishBulkAsync(string pubsub, string? topic, HttpRequest request, PubSubService publisher, RuntimeOptions options, CancellationToken cancellationToken)
    {
        _ = publisher.Broker(pubsub, topic);
        var (entries, error) = await ApiJson.ReadAsync<List<BulkEntryBody>>(request, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        var requestMetadata = RequestMetadata.From(request);
        var inputs = entries!.Select((entry, i) =>
        {
            RequestMetadata.Check(entry.Metadata, options.Limits, $"[{i}].metadata");
            var contentType = entry.ContentType ?? "application/json";
            var raw = entry.Event is { } value
                ? value.ValueKind == JsonValueKind.String && !contentType.Contains("json", StringComparison.OrdinalIgnoreCase)
                    ? System.Text.Encoding.UTF8.GetBytes(ApiJson.Text(value))
                    : ApiJson.Bytes(value)
                : [];
            return new BulkPublishInput(entry.EntryId, raw, contentType, RequestMetadata.Merge(requestMetadata, entry.Metadata));
        }).ToList();
        var failures = await publisher.PublishBulkAsync(pubsub, topic, inputs, cancellationToken);
        if (failures.Count == 0)
        {
            return Results.NoContent();
        }
        return ApiJson.Result(new JsonObject
        {
            ["failedEntries"] = new JsonArray([.. failures.Select(f => (JsonNode)new JsonObject { ["entryId"] = f.EntryId, ["error"] = f.Error })]),
            ["errorCode"] = CloudRuntimesErrors.PubSubPublish.Code,
        }, statusCode: 500);
    }

    internal sealed record BulkEntryBody(string? EntryId, JsonElement? Event, string? ContentType, Dictionary<string, string>? Metadata);
}
