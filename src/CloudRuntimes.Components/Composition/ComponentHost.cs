using CloudRuntimes.Bindings;
using CloudRuntimes.Configuration;
using CloudRuntimes.Database;
using CloudRuntimes.Files;
using CloudRuntimes.Jobs;
using CloudRuntimes.Lock;
using CloudRuntimes.PubSub;
using CloudRuntimes.Secrets;
using CloudRuntimes.State;
using Microsoft.Extensions.Hosting;

namespace CloudRuntimes.Components.Composition;

/// <summary>
/// Brings the components to life as part of a .NET generic host: <see cref="StartAsync"/> builds them (secret stores
/// first, the rest concurrently; a bad component fails the start with its message), and disposing the host service
/// disposes them, after every other hosted service has stopped. It is the container's <see cref="ICloudRuntimesComponents"/>,
/// so services that take the components in their constructors can be created before the host starts; lookups work
/// from the start on. The server and in-process use (<c>services.AddCloudRuntimes(...)</c>) share it.
/// </summary>
public sealed class ComponentHost : ICloudRuntimesComponents, IHostedService, IAsyncDisposable
{
    private readonly Func<CloudRuntimesBuilder> _configure;
    private CloudRuntimesComponents? _built;

    /// <summary>Creates the host service.</summary>
    /// <param name="configure">Makes the builder (factories and component definitions); called once, at start.</param>
    public ComponentHost(Func<CloudRuntimesBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _configure = configure;
    }

    /// <summary>The built components.</summary>
    /// <exception cref="InvalidOperationException">The host has not started yet.</exception>
    public CloudRuntimesComponents Built => _built ?? throw new InvalidOperationException("the components are created when the host starts; use them once it has started");

    /// <summary>True once <see cref="StartAsync"/> has built the components.</summary>
    public bool IsBuilt => Volatile.Read(ref _built) is not null;

    /// <inheritdoc />
    public IReadOnlyList<ComponentInfo> Components => Built.Components;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, IInputBinding> InputBindings => Built.InputBindings;

    /// <inheritdoc />
    /// <exception cref="CloudRuntimesException">A component cannot be created (the message names it and its file).</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _built ??= await _configure().BuildAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public IStateStore GetStateStore(string name) => Built.GetStateStore(name);

    /// <inheritdoc />
    public IPubSub GetPubSub(string name) => Built.GetPubSub(name);

    /// <inheritdoc />
    public IConfigurationStore GetConfigurationStore(string name) => Built.GetConfigurationStore(name);

    /// <inheritdoc />
    public ISecretStore GetSecretStore(string name) => Built.GetSecretStore(name);

    /// <inheritdoc />
    public IOutputBinding GetOutputBinding(string name) => Built.GetOutputBinding(name);

    /// <inheritdoc />
    public ILockStore GetLockStore(string name) => Built.GetLockStore(name);

    /// <inheritdoc />
    public IFileStore GetFileStore(string name) => Built.GetFileStore(name);

    /// <inheritdoc />
    public IDatabase GetDatabase(string name) => Built.GetDatabase(name);

    /// <inheritdoc />
    public IJobScheduler GetJobScheduler(string name) => Built.GetJobScheduler(name);

    /// <inheritdoc />
    public bool TryGet<T>(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T? component)
        where T : class => Built.TryGet(name, out component);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _built?.DisposeAsync() ?? ValueTask.CompletedTask;
}
