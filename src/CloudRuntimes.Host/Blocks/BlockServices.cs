using CloudRuntimes.Bindings;
using CloudRuntimes.Lock;

namespace CloudRuntimes.Host.Blocks;

/// <summary>Secrets behind both transports (Dapr secrets API).</summary>
internal sealed class SecretsService(ICloudRuntimesComponents components)
{
    /// <summary>One secret's keys and values; null or empty when there is none of that name.</summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.SecretStoreNotFound"/>, <see cref="CloudRuntimesErrors.SecretGet"/>.</exception>
    public Task<IReadOnlyDictionary<string, string>?> GetAsync(string store, string name, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        components.GetSecretStore(store).GetAsync(name, metadata, cancellationToken);

    /// <summary>Every secret of a store by name.</summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.SecretStoreNotFound"/>, <see cref="CloudRuntimesErrors.SecretGet"/>.</exception>
    public Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> GetBulkAsync(string store, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        components.GetSecretStore(store).GetBulkAsync(metadata, cancellationToken);
}

/// <summary>Output bindings behind both transports (Dapr bindings API).</summary>
internal sealed class BindingsService(ICloudRuntimesComponents components)
{
    /// <summary>Invokes an operation of an output binding.</summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.MalformedRequest"/> without an operation; <see cref="CloudRuntimesErrors.InvokeOutputBinding"/> for any failure of the binding, an unknown binding or operation included (as Dapr).</exception>
    public async Task<BindingResponse> InvokeAsync(string name, BindingRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.Operation))
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, "binding requests need an operation");
        }
        try
        {
            return await components.GetOutputBinding(name).InvokeAsync(request, cancellationToken);
        }
        catch (CloudRuntimesException e) when (e.Error != CloudRuntimesErrors.InvokeOutputBinding)
        {
            // Dapr answers every failure of an output binding (unknown binding or operation included) the same way.
            throw new CloudRuntimesException(CloudRuntimesErrors.InvokeOutputBinding, e.Message, e);
        }
    }
}

/// <summary>The distributed lock behind both transports (Dapr lock API, alpha): request checks, then the store.</summary>
internal sealed class LockService(ICloudRuntimesComponents components)
{
    /// <summary>Tries to take a lock without waiting.</summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.LockStoreNotFound"/>; <see cref="CloudRuntimesErrors.MalformedRequest"/> without a resource or owner or with an expiry ≤ 0; <see cref="CloudRuntimesErrors.TryLock"/>.</exception>
    public Task<bool> TryLockAsync(string store, string? resourceId, string? lockOwner, int? expiryInSeconds, CancellationToken cancellationToken)
    {
        var lockStore = components.GetLockStore(store);
        if (string.IsNullOrEmpty(resourceId) || string.IsNullOrEmpty(lockOwner) || expiryInSeconds is not > 0)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, "lock requests need a resourceId, a lockOwner and expiryInSeconds > 0");
        }
        return lockStore.TryLockAsync(new TryLockRequest(resourceId, lockOwner, expiryInSeconds.Value), cancellationToken);
    }

    /// <summary>Releases a lock held by its owner.</summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.LockStoreNotFound"/>; <see cref="CloudRuntimesErrors.MalformedRequest"/> without a resource or owner; <see cref="CloudRuntimesErrors.Unlock"/>.</exception>
    public Task<UnlockStatus> UnlockAsync(string store, string? resourceId, string? lockOwner, CancellationToken cancellationToken)
    {
        var lockStore = components.GetLockStore(store);
        if (string.IsNullOrEmpty(resourceId) || string.IsNullOrEmpty(lockOwner))
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, "unlock requests need a resourceId and a lockOwner");
        }
        return lockStore.UnlockAsync(new UnlockRequest(resourceId, lockOwner), cancellationToken);
    }
}
