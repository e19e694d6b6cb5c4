using System.Text.Json.Nodes;
using CloudRuntimes.Host.AppChannel;

namespace CloudRuntimes.Host.Api;

/// <summary>Dapr metadata and health: <c>/v1.0/metadata</c>, <c>/v1.0/healthz</c>, <c>/v1.0/healthz/outbound</c>, <c>/v1.0/shutdown</c>.</summary>
internal static class MetadataEndpoints
{
    public const string RuntimeVersion = "1.0.0";

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1.0/healthz", (string? appid, AppSubscriptions subscriptions, RuntimeOptions options) =>
            !string.IsNullOrEmpty(appid) && appid != options.AppId
                ? ApiErrors.Result(CloudRuntimesErrors.HealthAppIdMismatch, $"app id {appid} does not match this runtime's app id {options.AppId}")
                : subscriptions.Ready ? Results.NoContent() : ApiErrors.Result(CloudRuntimesErrors.HealthNotReady, "runtime is not ready: the app channel is not initialised"));
        routes.MapGet("/v1.0/healthz/outbound", () => Results.NoContent());
        routes.MapPost("/v1.0/shutdown", (IHostApplicationLifetime lifetime) =>
        {
            lifetime.StopApplication();
            return Results.NoContent();
        });
        routes.MapPut("/v1.0/metadata/{key}", async (string key, HttpRequest request, ExtendedMetadata metadata, RuntimeOptions options, CancellationToken cancellationToken) =>
        {
            // Read no more than the value limit allows, so an oversized value is refused without being held.
            var buffer = new byte[options.Limits.MaxMetadataValueBytes + 1];
            var length = await request.Body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
            metadata.Set(key, buffer.AsSpan(0, length));
            return Results.NoContent();
        });
        routes.MapGet("/v1.0/metadata", (ICloudRuntimesComponents components, RuntimeOptions options, AppSubscriptions subscriptions, ExtendedMetadata extendedMetadata) =>
        {
            var extended = new JsonObject();
            foreach (var (key, value) in extendedMetadata.All)
            {
                extended[key] = value;
            }
            var metadata = new JsonObject
            {
                ["id"] = options.AppId,
                ["runtimeVersion"] = RuntimeVersion,
                ["components"] = new JsonArray([.. components.Components.Select(c => (JsonNode)new JsonObject
                {
                    ["name"] = c.Name,
                    ["type"] = c.Type,
                    ["version"] = c.Version,
                    ["capabilities"] = new JsonArray([.. c.Capabilities.Select(x => (JsonNode)JsonValue.Create(x))]),
                })]),
                ["extended"] = extended,
                ["subscriptions"] = new JsonArray([.. subscriptions.All.Select(s => (JsonNode)WithoutNulls(new JsonObject
                {
                    ["pubsubname"] = s.PubSubName,
                    ["topic"] = s.Topic,
                    ["rules"] = s.RoutesJson(),
                    ["deadLetterTopic"] = s.DeadLetterTopic,
                    ["type"] = s.Declarative ? "DECLARATIVE" : "PROGRAMMATIC",
                }))]),
                ["appConnectionProperties"] = options.AppPort is { } port ? new JsonObject { ["port"] = port, ["protocol"] = "http", ["channelAddress"] = options.AppAddress } : null,
            };
            // Dapr writes its metadata with empty fields omitted.
            return Results.Json(WithoutNulls(metadata));
        });
    }

    private static JsonObject WithoutNulls(JsonObject value)
    {
        foreach (var name in value.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            value.Remove(name);
        }
        return value;
    }
}
