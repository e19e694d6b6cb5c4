using System.Text.Json.Serialization;
using System.Text.Json.Nodes;
using CloudRuntimes.Host.Blocks;

namespace CloudRuntimes.Host.Api;

/// <summary>Dapr distributed lock API (alpha): <c>/v1.0-alpha1/lock/{store}</c> and <c>/v1.0-alpha1/unlock/{store}</c>.</summary>
internal static class LockEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1.0-alpha1/lock/{store}", async (string store, HttpRequest request, ICloudRuntimesComponents components, LockService locks, CancellationToken cancellationToken) =>
        {
            _ = components.GetLockStore(store);
            var (body, error) = await ApiJson.ReadAsync<LockBody>(request, cancellationToken);
            if (error is not null)
            {
                return error;
            }
            var (resource, owner, expiry) = body!.Fields;
            var success = await locks.TryLockAsync(store, resource, owner, expiry, cancellationToken);
            return ApiJson.Result(new JsonObject { ["success"] = success });
        });
        routes.MapPost("/v1.0-alpha1/unlock/{store}", async (string store, HttpRequest request, ICloudRuntimesComponents components, LockService locks, CancellationToken cancellationToken) =>
        {
            _ = components.GetLockStore(store);
            var (body, error) = await ApiJson.ReadAsync<LockBody>(request, cancellationToken);
            if (error is not null)
            {
                return error;
            }
            var (resource, owner, _) = body!.Fields;
            var status = await locks.UnlockAsync(store, resource, owner, cancellationToken);
            return ApiJson.Result(new JsonObject { ["status"] = (int)status });
        });
    }

    /// <summary>A lock or unlock body: Dapr decodes it with protojson, which takes the JSON names and the proto field names alike.</summary>
    internal sealed record LockBody(
        string? ResourceId,
        string? LockOwner,
        int? ExpiryInSeconds,
        [property: JsonPropertyName("resource_id")] string? ResourceIdField,
        [property: JsonPropertyName("lock_owner")] string? LockOwnerField,
        [property: JsonPropertyName("expiry_in_seconds")] int? ExpiryInSecondsField)
    {
        public (string? ResourceId, string? LockOwner, int? ExpiryInSeconds) Fields =>
            (ResourceId ?? ResourceIdField, LockOwner ?? LockOwnerField, ExpiryInSeconds ?? ExpiryInSecondsField);
    }
}
