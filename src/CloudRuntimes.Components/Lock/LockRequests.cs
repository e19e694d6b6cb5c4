using CloudRuntimes.Lock;

namespace CloudRuntimes.Components.Lock;

/// <summary>Validation and key scoping every lock store shares (Dapr's lock API rules).</summary>
public static class LockRequests
{
    /// <summary>Checks a try-lock request: resource and owner non-empty, expiry positive.</summary>
    /// <param name="request">The request.</param>
    /// <param name="componentName">Component name for the message.</param>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.MalformedRequest"/> naming the field.</exception>
    public static void Validate(TryLockRequest request, string componentName)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request.ResourceId, request.LockOwner, componentName);
        if (request.ExpiryInSeconds <= 0)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"lock store {componentName}: expiryInSeconds must be positive, got {request.ExpiryInSeconds}");
        }
    }

    /// <summary>Checks an unlock request: resource and owner non-empty.</summary>
    /// <param name="request">The request.</param>
    /// <param name="componentName">Component name for the message.</param>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.MalformedRequest"/> naming the field.</exception>
    public static void Validate(UnlockRequest request, string componentName)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request.ResourceId, request.LockOwner, componentName);
    }

    /// <summary>The stored key of a resource, scoped by app id as Dapr does (<c>{appId}||{resourceId}</c>).</summary>
    /// <param name="appId">The app id.</param>
    /// <param name="resourceId">The resource.</param>
    /// <returns>The key.</returns>
    public static string ScopedKey(string appId, string resourceId) => $"{appId}||{resourceId}";

    private static void Validate(string resourceId, string owner, string componentName)
    {
        if (string.IsNullOrEmpty(resourceId))
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"lock store {componentName}: resourceId is empty");
        }
        if (string.IsNullOrEmpty(owner))
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"lock store {componentName}: lockOwner is empty");
        }
    }
}
