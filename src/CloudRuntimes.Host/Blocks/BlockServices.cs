using CloudRuntimes.Bindings;

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
