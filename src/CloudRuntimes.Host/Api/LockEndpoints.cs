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
            if (string.IsNullOrEmpty(body!.ResourceId) || string.IsNullOrEmpty(body.LockOwner) || body.ExpiryInSeconds is not > 0)
            {
                return ApiErrors.Malformed("lock requests need a resourceId, a lockOwner and expiryInSeconds > 0");
            }
            var success = await lockStore.TryLockAsync(new TryLockRequest(body.ResourceId, body.LockOwner, body.ExpiryInSeconds.Value), cancellationToken);
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
            if (string.IsNullOrEmpty(body!.ResourceId) || string.IsNullOrEmpty(body.LockOwner))
            {
                return ApiErrors.Malformed("unlock requests need a resourceId and a lockOwner");
            }
            var status = await lockStore.UnlockAsync(new UnlockRequest(body.ResourceId, body.LockOwner), cancellationToken);
            return Results.Json(new JsonObject { ["status"] = (int)status });
        });
    }

    internal sealed record LockBody(string? ResourceId, string? LockOwner, int? ExpiryInSeconds);
}
