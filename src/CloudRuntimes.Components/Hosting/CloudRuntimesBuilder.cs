using CloudRuntimes.Secrets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CloudRuntimes.Components.Hosting;

/// <summary>
/// Wires components by name, from Dapr component YAML or from code, into a <see cref="CloudRuntimesComponents"/>.
/// Component types come from registered <see cref="IComponentFactory"/> instances (each component project
/// adds its own, e.g. <c>builder.AddSqliteComponents()</c>).
/// </summary>
public sealed class CloudRuntimesBuilder
{
    private readonly Dictionary<string, IComponentFactory> _factories = new(StringComparer.Ordinal);
    private readonly List<ComponentDefinition> _definitions = [];
    private readonly List<(ComponentInfo Info, object Instance)> _instances = [];

    /// <summary>Creates a builder.</summary>
    /// <param name="appId">The application id; default <c>app</c>.</param>
    /// <param name="dataDirectory">Directory for embedded back ends; default <c>./.cloud-runtimes</c>.</param>
    /// <param name="loggerFactory">Logging; null for none.</param>
    public CloudRuntimesBuilder(string appId = "app", string? dataDirectory = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(appId);
        Context = new ComponentContext(appId, Path.GetFullPath(dataDirectory ?? ".cloud-runtimes"), loggerFactory ?? NullLoggerFactory.Instance);
        BuiltInComponents.Register(this);
    }

    /// <summary>App id, data directory and logging passed to factories.</summary>
    public ComponentContext Context { get; }

    /// <summary>The component definitions added so far.</summary>
    public IReadOnlyList<ComponentDefinition> Definitions => _definitions;

    /// <summary>Registers a factory for its component types (a later registration of a type replaces an earlier one).</summary>
    /// <param name="factory">The factory.</param>
    /// <returns>This builder.</returns>
    public CloudRuntimesBuilder AddFactory(IComponentFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        foreach (var type in factory.Types)
        {
            _factories[type] = factory;
        }
        return this;
    }

    /// <summary>Adds a component definition.</summary>
    /// <param name="definition">The definition.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">A component of the same name was already added.</exception>
    public CloudRuntimesBuilder AddComponent(ComponentDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (_definitions.Any(d => d.Name == definition.Name) || _instances.Any(i => i.Info.Name == definition.Name))
        {
            throw new ArgumentException($"component '{definition.Name}' is defined twice{(definition.SourceFile is null ? "" : $" ({definition.SourceFile})")}", nameof(definition));
        }
        _definitions.Add(definition);
        return this;
    }

    /// <summary>Adds a component by type name and metadata.</summary>
    /// <param name="name">Component name.</param>
    /// <param name="type">Component type, e.g. <c>state.sqlite</c>.</param>
    /// <param name="metadata">Metadata; null for none.</param>
    /// <returns>This builder.</returns>
    public CloudRuntimesBuilder AddComponent(string name, string type, IReadOnlyDictionary<string, string>? metadata = null) =>
        AddComponent(ComponentDefinition.Create(name, type, metadata));

    /// <summary>Adds every component of a Dapr components directory (<c>*.yaml</c>, <c>*.yml</c>).</summary>
    /// <param name="directory">The directory.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="CloudRuntimesException">A file is invalid (the message names it).</exception>
    public CloudRuntimesBuilder AddComponentsFrom(string directory)
    {
        foreach (var definition in ComponentYaml.LoadDirectory(directory))
        {
            if (definition.Scopes.Count == 0 || definition.Scopes.Contains(Context.AppId))
            {
                AddComponent(definition);
            }
        }
        return this;
    }

    /// <summary>Adds an already-created component instance.</summary>
    /// <param name="name">Component name.</param>
    /// <param name="type">Component type for the metadata API.</param>
    /// <param name="component">An object implementing a building-block interface.</param>
    /// <param name="capabilities">Capabilities to report.</param>
    /// <returns>This builder.</returns>
    public CloudRuntimesBuilder AddInstance(string name, string type, object component, IReadOnlyList<string>? capabilities = null)
    {
        ArgumentNullException.ThrowIfNull(component);
        _instances.Add((new ComponentInfo(name, type, "v1", capabilities ?? []), component));
        return this;
    }

    /// <summary>True when a component of that name has been added.</summary>
    /// <param name="name">Component name.</param>
    /// <returns>Whether it exists.</returns>
    public bool HasComponent(string name) => _definitions.Any(d => d.Name == name) || _instances.Any(i => i.Info.Name == name);

    /// <summary>
    /// Creates every component: secret stores first, one after the other, so that other components' <c>secretKeyRef</c>
    /// items can be resolved; then all other components at once (opening files, loading workspaces and connecting
    /// to servers overlap, which shortens start-up). The result lists the components in that order whatever finishes first.
    /// </summary>
    /// <returns>The components; dispose them to release their resources.</returns>
    /// <exception cref="CloudRuntimesException">An unknown component type, invalid metadata or an unresolvable secret reference (the message names the component;
    /// when several fail, the first of them in that order). Every component already created is disposed.</exception>
    public CloudRuntimesComponents Build()
    {
        var created = new List<(ComponentInfo Info, object Instance)>(_instances);
        var secretStores = _definitions.Where(IsSecretStore).ToList();
        var others = _definitions.Where(d => !IsSecretStore(d)).ToList();
        try
        {
            foreach (var definition in secretStores)
            {
                created.Add(Create(definition, created));
            }
            // A thread each (creations block on files, workspaces and connections), not the shared pool.
            var creations = others
                .Select(definition => Task.Factory.StartNew(() => Create(definition, created), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
                .ToList();
            try
            {
                Task.WaitAll(creations);
            }
            catch (AggregateException)
            {
                // Every creation has finished; the first failure in definition order is rethrown below.
            }
            created.AddRange(creations.Where(c => c.IsCompletedSuccessfully).Select(c => c.Result));
            if (creations.FirstOrDefault(c => c.IsFaulted) is { } failed)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failed.Exception!.InnerException!);
            }
        }
        catch
        {
            foreach (var (_, instance) in created.Skip(_instances.Count))
            {
                switch (instance)
                {
                    case IAsyncDisposable asyncDisposable:
                        asyncDisposable.DisposeAsync().AsTask().GetAwaiter().GetResult();
                        break;
                    case IDisposable disposable:
                        disposable.Dispose();
                        break;
                }
            }
            throw;
        }
        return new CloudRuntimesComponents(created);
    }

    private static bool IsSecretStore(ComponentDefinition definition) => definition.Type.StartsWith("secretstores.", StringComparison.Ordinal);

    /// <summary>Creates one component; <paramref name="created"/> (read only) holds the secret stores its references may use.</summary>
    private (ComponentInfo Info, object Instance) Create(ComponentDefinition definition, List<(ComponentInfo Info, object Instance)> created)
    {
        var resolved = ResolveSecrets(definition, created);
        if (!_factories.TryGetValue(resolved.Type, out var factory))
        {
            throw new CloudRuntimesException(CloudRuntimesErrorCodes.MalformedRequest,
                $"component '{resolved.Name}'{(resolved.SourceFile is null ? "" : $" ({resolved.SourceFile})")} has unknown type '{resolved.Type}'; known types: {string.Join(", ", _factories.Keys.Order(StringComparer.Ordinal))}");
        }
        var instance = factory.Create(resolved, Context);
        return (new ComponentInfo(resolved.Name, resolved.Type, resolved.Version, factory.Capabilities(resolved)), instance);
    }

    private static ComponentDefinition ResolveSecrets(ComponentDefinition definition, List<(ComponentInfo Info, object Instance)> created)
    {
        if (definition.SecretReferences is not { Count: > 0 } references)
        {
            return definition;
        }
        var metadata = new Dictionary<string, string>(definition.Metadata, StringComparer.Ordinal);
        foreach (var (key, reference) in references)
        {
            var stores = created.Where(c => c.Instance is ISecretStore && (reference.Store is null || c.Info.Name == reference.Store)).ToList();
            if (stores.Count == 0)
            {
                throw new CloudRuntimesException(CloudRuntimesErrorCodes.SecretStoreNotFound,
                    $"component '{definition.Name}' metadata '{key}' refers to secret store '{reference.Store ?? "(none named in auth.secretStore)"}', which is not defined");
            }
            var secret = ((ISecretStore)stores[0].Instance).GetAsync(reference.Name).GetAwaiter().GetResult();
            if (secret is null || !secret.TryGetValue(reference.Key, out var value))
            {
                throw new CloudRuntimesException(CloudRuntimesErrorCodes.SecretGet,
                    $"component '{definition.Name}' metadata '{key}': secret '{reference.Name}' key '{reference.Key}' not found in '{stores[0].Info.Name}'");
            }
            metadata[key] = value;
        }
        return definition with { Metadata = metadata };
    }
}
