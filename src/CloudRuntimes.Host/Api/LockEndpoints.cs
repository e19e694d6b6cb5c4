using System.Text.Json.Serialization;
using System.Text.Json.Nodes;
using CloudRuntimes.Lock;

namespace CloudRuntimes.Host.Api;

/// <summary>Dapr distributed lock API (alpha): <c>/v1.0-alpha1/lock/{store}</c> and <c>/v1.0-alpha1/unlock/{store}</c>.</summary>
internal static class LockEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1.0-alpha1/lock/{store}", async (string store, HttpRequest request, ICloudRuntimesComponents components, CancellationToken cancellationToken) =>
        {
            var lockStore = components.GetLockStore(store);
            var (body, error) = await ApiJson.ReadAsync<LockBody>(request, cancellationToken);
            if (error is not null)
            {
                return error;
            }
            var (resource, owner, expiry) = body!.Fields;
            if (string.IsNullOrEmpty(resource) || string.IsNullOrEmpty(owner) || expiry is not > 0)
            {
                return ApiErrors.Malformed("lock requests need a resourceId, a lockOwner and expiryInSeconds > 0");
            }
            var success = await lockStore.TryLockAsync(new TryLockRequest(resource, owner, expiry.Value), cancellationToken);
            return Results.Json(new JsonObject { ["success"] = success });
        });
        routes.MapPost("/v1.0-alpha1/unlock/{store}", async (string store, HttpRequest request, ICloudRuntimesComponents components, CancellationToken cancellationToken) =>
        {
            var lockStore = components.GetLockStore(store);
            var (body, error) = await ApiJson.ReadAsync<LockBody>(request, cancellationToken);
            if (error is not null)
            {
                return error;
            }
            var (resource, owner, _) = body!.Fields;
            if (string.IsNullOrEmpty(resource) || string.IsNullOrEmpty(owner))
            {
                return ApiErrors.Malformed("unlock requests need a resourceId and a lockOwner");
            }
            var status = await lockStore.UnlockAsync(new UnlockRequest(resource, owner), cancellationToken);
            return Results.Json(new JsonObject { ["status"] = (int)status });
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
