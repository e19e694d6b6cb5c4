using CloudRuntimes.Bindings;
using CloudRuntimes.Configuration;
using CloudRuntimes.Database;
using CloudRuntimes.Files;
using CloudRuntimes.Jobs;
using CloudRuntimes.Lock;
using CloudRuntimes.PubSub;
using CloudRuntimes.Secrets;
using CloudRuntimes.State;

namespace CloudRuntimes;

/// <summary>The components an application or the runtime server has, looked up by component name.</summary>
public interface ICloudRuntimesComponents
{
    /// <summary>Every component with its type and capabilities (Dapr metadata API <c>components</c>).</summary>
    IReadOnlyList<ComponentInfo> Components { get; }

    /// <summary>A state store.</summary>
    /// <param name="name">Component name.</param>
    /// <returns>The store.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.StateStoreNotFound"/>.</exception>
    IStateStore GetStateStore(string name);

    /// <summary>A pub/sub broker.</summary>
    /// <param name="name">Component name.</param>
    /// <returns>The broker.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.PubSubNotFound"/>.</exception>
    IPubSub GetPubSub(string name);

    /// <summary>A configuration store.</summary>
    /// <param name="name">Component name.</param>
    /// <returns>The store.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ConfigurationStoreNotFound"/>.</exception>
    IConfigurationStore GetConfigurationStore(string name);

    /// <summary>A secret store.</summary>
    /// <param name="name">Component name.</param>
    /// <returns>The store.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.SecretStoreNotFound"/>.</exception>
    ISecretStore GetSecretStore(string name);

    /// <summary>An output binding.</summary>
    /// <param name="name">Component name.</param>
    /// <returns>The binding.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ComponentNotFound"/>.</exception>
    IOutputBinding GetOutputBinding(string name);

    /// <summary>Input bindings by component name.</summary>
    IReadOnlyDictionary<string, IInputBinding> InputBindings { get; }

    /// <summary>A lock store.</summary>
    /// <param name="name">Component name.</param>
    /// <returns>The store.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.LockStoreNotFound"/>.</exception>
    ILockStore GetLockStore(string name);

    /// <summary>A file store.</summary>
    /// <param name="name">Component name.</param>
    /// <returns>The store.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ComponentNotFound"/>.</exception>
    IFileStore GetFileStore(string name);

    /// <summary>A database.</summary>
    /// <param name="name">Component name.</param>
    /// <returns>The database.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ComponentNotFound"/>.</exception>
    IDatabase GetDatabase(string name);

    /// <summary>A job scheduler.</summary>
    /// <param name="name">Component name.</param>
    /// <returns>The scheduler.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ComponentNotFound"/>.</exception>
    IJobScheduler GetJobScheduler(string name);
}

/// <summary>A configured component (Dapr metadata API entry).</summary>
/// <param name="Name">Component name (<c>metadata.name</c>).</param>
/// <param name="Type">Component type, e.g. <c>state.sqlite</c>.</param>
/// <param name="Version">Component version, e.g. <c>v1</c>.</param>
/// <param name="Capabilities">Capabilities such as <c>ETAG</c>, <c>TRANSACTIONAL</c>, <c>TTL</c>.</param>
public sealed record ComponentInfo(string Name, string Type, string Version, IReadOnlyList<string> Capabilities);
