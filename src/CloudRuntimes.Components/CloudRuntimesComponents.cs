using CloudRuntimes.Bindings;
using CloudRuntimes.Configuration;
using CloudRuntimes.Database;
using CloudRuntimes.Files;
using CloudRuntimes.Jobs;
using CloudRuntimes.Lock;
using CloudRuntimes.PubSub;
using CloudRuntimes.Secrets;
using CloudRuntimes.State;

namespace CloudRuntimes.Components;

/// <summary>The built components, looked up by name (see <see cref="Hosting.CloudRuntimesBuilder"/>). Disposing disposes every component.</summary>
public sealed class CloudRuntimesComponents : ICloudRuntimesComponents, IAsyncDisposable
{
    private readonly Dictionary<string, object> _byName;
    private readonly List<object> _instances;

    internal CloudRuntimesComponents(IReadOnlyList<(ComponentInfo Info, object Instance)> components)
    {
        Components = [.. components.Select(c => c.Info)];
        _byName = components.ToDictionary(c => c.Info.Name, c => c.Instance, StringComparer.Ordinal);
        _instances = [.. components.Select(c => c.Instance)];
        InputBindings = components.Where(c => c.Instance is IInputBinding).ToDictionary(c => c.Info.Name, c => (IInputBinding)c.Instance, StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public IReadOnlyList<ComponentInfo> Components { get; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, IInputBinding> InputBindings { get; }

    /// <inheritdoc />
    public IStateStore GetStateStore(string name) => Get<IStateStore>(name, CloudRuntimesErrorCodes.StateStoreNotFound, "state store");

    /// <inheritdoc />
    public IPubSub GetPubSub(string name) => Get<IPubSub>(name, CloudRuntimesErrorCodes.PubSubNotFound, "pub/sub");

    /// <inheritdoc />
    public IConfigurationStore GetConfigurationStore(string name) => Get<IConfigurationStore>(name, CloudRuntimesErrorCodes.ConfigurationStoreNotFound, "configuration store");

    /// <inheritdoc />
    public ISecretStore GetSecretStore(string name) => Get<ISecretStore>(name, CloudRuntimesErrorCodes.SecretStoreNotFound, "secret store");

    /// <inheritdoc />
    public IOutputBinding GetOutputBinding(string name) => Get<IOutputBinding>(name, CloudRuntimesErrorCodes.ComponentNotFound, "output binding");

    /// <inheritdoc />
    public ILockStore GetLockStore(string name) => Get<ILockStore>(name, CloudRuntimesErrorCodes.LockStoreNotFound, "lock store");

    /// <inheritdoc />
    public IFileStore GetFileStore(string name) => Get<IFileStore>(name, CloudRuntimesErrorCodes.ComponentNotFound, "file store");

    /// <inheritdoc />
    public IDatabase GetDatabase(string name) => Get<IDatabase>(name, CloudRuntimesErrorCodes.ComponentNotFound, "database");

    /// <inheritdoc />
    public IJobScheduler GetJobScheduler(string name) => Get<IJobScheduler>(name, CloudRuntimesErrorCodes.ComponentNotFound, "job scheduler");

    /// <summary>Names of the components that implement <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">A building-block interface.</typeparam>
    /// <returns>Component names.</returns>
    public IReadOnlyList<string> NamesOf<T>() => [.. _byName.Where(c => c.Value is T).Select(c => c.Key)];

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            switch (instance)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }

    private T Get<T>(string name, string errorCode, string kind) where T : class =>
        _byName.TryGetValue(name, out var component) && component is T typed
            ? typed
            : throw new CloudRuntimesException(errorCode, $"{kind} {name} is not found");
}
