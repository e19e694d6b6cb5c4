using System.Text.Json.Nodes;
using CloudRuntimes.Host.Blocks;
using CloudRuntimes.Lock;

namespace CloudRuntimes.Host.Api;

/// <summary>
/// Lock renewal and waiting acquire, Cloud Runtimes extensions (Dapr's lock is non-blocking and cannot be renewed):
/// <c>POST /v1.0-alpha1/lock/{store}/renew</c> (the lock body; answers <c>{"status": n}</c> as <see cref="RenewLockStatus"/>)
/// and <c>POST /v1.0-alpha1/lock/{store}/acquire</c> (the lock body plus <c>timeoutInSeconds</c>, 0 to
/// <see cref="RuntimeLimits.MaxLockWait"/>; answers <c>{"success": bool}</c> once acquired or when the timeout passed;
/// 429 <c>ERR_TRY_LOCK</c> while the store has <see cref="RuntimeLimits.MaxLockWaiters"/> acquires waiting).
/// </summary>
internal static class LockLeaseEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1.0-alpha1/lock/{store}/renew", async (string store, HttpRequest request, ICloudRuntimesComponents components, CancellationToken cancellationToken) =>
        {
            var lockStore = components.GetLockStore(store);
            var (body, error) = await ApiJson.ReadAsync<LockEndpoints.LockBody>(request, cancellationToken);
            if (error is not null)
            {
                return error;
            }
            var (resource, owner, expiry) = body!.Fields;
            if (string.IsNullOrEmpty(resource) || string.IsNullOrEmpty(owner) || expiry is not > 0)
            {
                return ApiErrors.Malformed("renew requests need a resourceId, a lockOwner and expiryInSeconds > 0");
            }
            var status = await lockStore.RenewAsync(new TryLockRequest(resource, owner, expiry.Value), cancellationToken);
            return ApiJson.Result(new JsonObject { ["status"] = (int)status });
        });
        routes.MapPost("/v1.0-alpha1/lock/{store}/acquire", async (string store, HttpRequest request, ICloudRuntimesComponents components, LockService locks, CancellationToken cancellationToken) =>
        {
            _ = components.GetLockStore(store);
            var (body, error) = await ApiJson.ReadAsync<AcquireBody>(request, cancellationToken);
            if (error is not null)
            {
                return error;
            }
            if (string.IsNullOrEmpty(body!.ResourceId) || string.IsNullOrEmpty(body.LockOwner) || body.ExpiryInSeconds is not > 0)
            {
                return ApiErrors.Malformed("acquire requests need a resourceId, a lockOwner and expiryInSeconds > 0");
            }
            // A missing or unrepresentable timeout is out of range, which the lock service refuses naming the range.
            var timeout = body.TimeoutInSeconds is { } seconds && seconds is >= 0 and <= int.MaxValue ? TimeSpan.FromSeconds(seconds) : TimeSpan.MinValue;
            var success = await locks.AcquireAsync(store, new TryLockRequest(body.ResourceId, body.LockOwner, body.ExpiryInSeconds.Value), timeout, cancellationToken);
            return ApiJson.Result(new JsonObject { ["success"] = success });
        });
    }

    /// <summary>A waiting acquire: the lock body and how long to wait.</summary>
    internal sealed record AcquireBody(string? ResourceId, string? LockOwner, int? ExpiryInSeconds, double? TimeoutInSeconds);
}
