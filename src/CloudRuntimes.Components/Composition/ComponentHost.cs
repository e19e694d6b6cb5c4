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
/// first, the rest concurrently; a bad component fails the start with its message) — or waits for the build that
/// <see cref="StartBuilding"/> began earlier — and disposing the host service
/// disposes them, after every other hosted service has stopped. It is the container's <see cref="ICloudRuntimesComponents"/>,
/// so services that take the components in their constructors can be created before the host starts; lookups work
/// from the start on. The server and in-process use (<c>services.AddCloudRuntimes(...)</c>) share it.
/// </summary>
public sealed class ComponentHost : ICloudRuntimesComponents, IHostedService, IAsyncDisposable
{
    private readonly Lazy<Task<CloudRuntimesComponents>> _building;
    private readonly CancellationTokenSource _disposing = new();
    private CloudRuntimesComponents? _built;
    private int _disposed;

    /// <summary>Creates the host service.</summary>
    /// <param name="configure">Makes the builder (factories and component definitions); called once, when building starts.</param>
    public ComponentHost(Func<CloudRuntimesBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        // Creation runs on the thread pool: factories open files and connections synchronously before their first await.
        _building = new Lazy<Task<CloudRuntimesComponents>>(() => Task.Run(async () =>
        {
            var built = await configure().BuildAsync(_disposing.Token).ConfigureAwait(false);
            Volatile.Write(ref _built, built);
            return built;
        }));
    }

    /// <summary>The built components.</summary>
    /// <exception cref="InvalidOperationException">The components are not built yet.</exception>
    public CloudRuntimesComponents Built => Volatile.Read(ref _built) ?? throw new InvalidOperationException("the components are created when the host starts; use them once it has started");

    /// <summary>True once the components are built.</summary>
    public bool IsBuilt => Volatile.Read(ref _built) is not null;

    /// <inheritdoc />
    public IReadOnlyList<ComponentInfo> Components => Built.Components;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, IInputBinding> InputBindings => Built.InputBindings;

    /// <summary>
    /// Starts building the components (once; later calls return the same task) without waiting, so that a host can
    /// overlap their creation with its own start-up work (the server maps its endpoints meanwhile). <see cref="StartAsync"/>
    /// waits for this same build.
    /// </summary>
    /// <returns>Completes when every component is built; faults with the first creation error (a <see cref="CloudRuntimesException"/> naming the component and its file).</returns>
    public Task StartBuilding() => _building.Value;

    /// <inheritdoc />
    /// <exception cref="CloudRuntimesException">A component cannot be created (the message names it and its file).</exception>
    public Task StartAsync(CancellationToken cancellationToken) => StartBuilding().WaitAsync(cancellationToken);

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

    /// <summary>Disposes the components, once a build that is still running has finished (a failed build disposed its own).</summary>
    /// <returns>Completes when they are disposed.</returns>
    public async ValueTask DisposeAsync()
    {
        // The container disposes the instance once per registration it is reachable from (hosted service, components).
        if (!_building.IsValueCreated || Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        // A build still running (the host stopped before its start finished) is cancelled and awaited.
        await _disposing.CancelAsync().ConfigureAwait(false);
        try
        {
            await (await _building.Value.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception) when (!_building.Value.IsCompletedSuccessfully)
        {
            // The build failed and disposed what it had created; the start reported the error.
        }
        finally
        {
            _disposing.Dispose();
        }
    }
}
