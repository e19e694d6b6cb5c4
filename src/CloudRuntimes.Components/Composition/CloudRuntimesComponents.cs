using CloudRuntimes.Bindings;
using CloudRuntimes.Configuration;
using CloudRuntimes.Database;
using CloudRuntimes.Files;
using CloudRuntimes.Jobs;
using CloudRuntimes.Lock;
using CloudRuntimes.PubSub;
using CloudRuntimes.Secrets;
using CloudRuntimes.State;

namespace CloudRuntimes.Components.Composition;

/// <summary>
/// The built components, looked up by name and building block (see <see cref="CloudRuntimesBuilder"/>): each getter
/// returns the typed component or throws the building block's not-found error. Disposing disposes every component the
/// builder created.
/// </summary>
public sealed class CloudRuntimesComponents : ICloudRuntimesComponents, IAsyncDisposable
{
    private readonly Dictionary<string, object> _byName;
    private readonly List<object> _owned;

    internal CloudRuntimesComponents(IReadOnlyList<CreatedComponent> components)
    {
        Components = [.. components.Select(c => c.Info)];
        _byName = components.ToDictionary(c => c.Info.Name, c => c.Instance, StringComparer.Ordinal);
        _owned = [.. components.Where(c => c.Owned).Select(c => c.Instance)];
        InputBindings = components.Where(c => c.Instance is IInputBinding).ToDictionary(c => c.Info.Name, c => (IInputBinding)c.Instance, StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public IReadOnlyList<ComponentInfo> Components { get; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, IInputBinding> InputBindings { get; }

    /// <inheritdoc />
    public IStateStore GetStateStore(string name) => Get<IStateStore>(name, CloudRuntimesErrors.StateStoreNotFound, "state store");

    /// <inheritdoc />
    public IPubSub GetPubSub(string name) => Get<IPubSub>(name, CloudRuntimesErrors.PubSubNotFound, "pub/sub");

    /// <inheritdoc />
    public IConfigurationStore GetConfigurationStore(string name) => Get<IConfigurationStore>(name, CloudRuntimesErrors.ConfigurationStoreNotFound, "configuration store");

    /// <inheritdoc />
    public ISecretStore GetSecretStore(string name) => Get<ISecretStore>(name, CloudRuntimesErrors.SecretStoreNotFound, "secret store");

    /// <inheritdoc />
    public IOutputBinding GetOutputBinding(string name) => Get<IOutputBinding>(name, CloudRuntimesErrors.ComponentNotFound, "output binding");

    /// <inheritdoc />
    public ILockStore GetLockStore(string name) => Get<ILockStore>(name, CloudRuntimesErrors.LockStoreNotFound, "lock store");

    /// <inheritdoc />
    public IFileStore GetFileStore(string name) => Get<IFileStore>(name, CloudRuntimesErrors.ComponentNotFound, "file store");

    /// <inheritdoc />
    public IDatabase GetDatabase(string name) => Get<IDatabase>(name, CloudRuntimesErrors.ComponentNotFound, "database");

    /// <inheritdoc />
    public IJobScheduler GetJobScheduler(string name) => Get<IJobScheduler>(name, CloudRuntimesErrors.ComponentNotFound, "job scheduler");

    /// <summary>Names of the components that implement <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">A building-block interface.</typeparam>
    /// <returns>Component names.</returns>
    public IReadOnlyList<string> NamesOf<T>() => [.. _byName.Where(c => c.Value is T).Select(c => c.Key)];

    /// <summary>The component of that name when it implements <typeparamref name="T"/> (a building block, or a port the component offers besides).</summary>
    /// <typeparam name="T">The interface.</typeparam>
    /// <param name="name">Component name.</param>
    /// <param name="component">The component, or null.</param>
    /// <returns>Whether there is one.</returns>
    public bool TryGet<T>(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T? component)
        where T : class
    {
        component = _byName.GetValueOrDefault(name) as T;
        return component is not null;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => AsyncDisposal.DisposeAllAsync(_owned);

    private T Get<T>(string name, CloudRuntimesError notFound, string kind)
        where T : class =>
        TryGet<T>(name, out var component) ? component : throw new CloudRuntimesException(notFound, $"{kind} {name} is not found");
}
