using System.Text.Json.Nodes;
using CloudRuntimes.Host.AppChannel;
using CloudRuntimes.Host.Blocks;

namespace CloudRuntimes.Host.Api;

/// <summary>Dapr metadata and health: <c>/v1.0/metadata</c>, <c>/v1.0/healthz</c>, <c>/v1.0/healthz/outbound</c>, <c>/v1.0/shutdown</c>.</summary>
internal static class MetadataEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1.0/healthz", (string? appid, AppSubscriptions subscriptions, RuntimeOptions options) =>
            !string.IsNullOrEmpty(appid) && appid != options.AppId
                ? ApiErrors.Result(CloudRuntimesErrors.HealthAppIdMismatch, $"app id {appid} does not match this runtime's app id {options.AppId}")
                : subscriptions.Ready ? Results.NoContent() : ApiErrors.Result(CloudRuntimesErrors.HealthNotReady, "runtime is not ready: the app channel is not initialised"));
        routes.MapGet("/v1.0/healthz/outbound", () => Results.NoContent());
        routes.MapPost("/v1.0/shutdown", (MetadataService metadata) =>
        {
            metadata.Shutdown();
            return Results.NoContent();
        });
        routes.MapPut("/v1.0/metadata/{key}", async (string key, HttpRequest request, MetadataService metadata, RuntimeOptions options, CancellationToken cancellationToken) =>
        {
            // Read no more than the value limit allows, so an oversized value is refused without being held.
            var buffer = new byte[options.Limits.MaxMetadataValueBytes + 1];
            var length = await request.Body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
            metadata.Set(key, buffer.AsSpan(0, length));
            return Results.NoContent();
        });
        routes.MapGet("/v1.0/metadata", (MetadataService service) => ApiJson.Result(ToJson(service.Get())));
    }

    /// <summary>Dapr's metadata document, with empty fields omitted (as Dapr writes it).</summary>
    private static JsonObject ToJson(RuntimeMetadata metadata) => WithoutNulls(new JsonObject
    {
        ["id"] = metadata.Id,
        ["runtimeVersion"] = metadata.RuntimeVersion,
        ["components"] = new JsonArray([.. metadata.Components.Select(c => (JsonNode)new JsonObject
        {
            ["name"] = c.Name,
            ["type"] = c.Type,
            ["version"] = c.Version,
            ["capabilities"] = new JsonArray([.. c.Capabilities.Select(x => (JsonNode)JsonValue.Create(x))]),
        })]),
        ["extended"] = new JsonObject([.. metadata.Extended.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)e.Value))]),
        ["subscriptions"] = new JsonArray([.. metadata.Subscriptions.Select(s => (JsonNode)WithoutNulls(new JsonObject
        {
            ["pubsubname"] = s.PubSubName,
            ["topic"] = s.Topic,
            ["rules"] = new JsonArray([.. s.Rules.Select(r => (JsonNode)new JsonObject { ["match"] = r.Match, ["path"] = r.Path })]),
            ["deadLetterTopic"] = s.DeadLetterTopic,
            ["type"] = s.Type,
        }))]),
        ["appConnectionProperties"] = metadata.App is { } app ? new JsonObject { ["port"] = app.Port, ["protocol"] = app.Protocol, ["channelAddress"] = app.ChannelAddress } : null,
        // Not in Dapr's document: the ports this server listens on (useful when started with port 0).
        ["runtimePorts"] = metadata.HttpPort is null && metadata.GrpcPort is null ? null : WithoutNulls(new JsonObject { ["http"] = metadata.HttpPort, ["grpc"] = metadata.GrpcPort }),
    });

    private static JsonObject WithoutNulls(JsonObject value)
    {
        foreach (var name in value.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            value.Remove(name);
        }
        return value;
    }
}
