using CloudRuntimes.Components.Resources;
using CloudRuntimes.Secrets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CloudRuntimes.Components.Composition;

/// <summary>
/// Wires components by name, from Dapr resource files or from code, into a <see cref="CloudRuntimesComponents"/>.
/// Component types come from registered <see cref="IComponentFactory{TComponent}"/> instances (each component project
/// adds its own, e.g. <c>builder.AddSqliteComponents()</c>).
/// </summary>
public sealed class CloudRuntimesBuilder
{
    private readonly Dictionary<string, Registration> _factories = new(StringComparer.Ordinal);
    private readonly List<ComponentDefinition> _definitions = [];
    private readonly List<CreatedComponent> _instances = [];

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

    /// <summary>Registers the factory of a component type (a later registration of a type replaces an earlier one).</summary>
    /// <typeparam name="TComponent">The building-block interface its components implement.</typeparam>
    /// <param name="factory">The factory.</param>
    /// <returns>This builder.</returns>
    public CloudRuntimesBuilder AddFactory<TComponent>(IComponentFactory<TComponent> factory)
        where TComponent : class
    {
        ArgumentNullException.ThrowIfNull(factory);
        _factories[factory.Type] = new Registration(
            typeof(TComponent),
            async (definition, context, cancellationToken) => await factory.CreateAsync(definition, context, cancellationToken).ConfigureAwait(false),
            factory.Capabilities);
        return this;
    }

    /// <summary>Adds a component definition.</summary>
    /// <param name="definition">The definition.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ResourceInvalid"/>: a component of the same name was already added (the message names both files).</exception>
    public CloudRuntimesBuilder AddComponent(ComponentDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (_definitions.FirstOrDefault(d => d.Name == definition.Name) is { } existing)
        {
            throw definition.Invalid($"component '{definition.Name}' is defined twice{(existing.SourceFile is null ? "" : $" (also in {existing.SourceFile})")}");
        }
        if (_instances.Any(i => i.Info.Name == definition.Name))
        {
            throw definition.Invalid($"component '{definition.Name}' is defined twice");
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

    /// <summary>Adds the components of a Dapr resources directory (<c>*.yaml</c>, <c>*.yml</c>) scoped to this app id; other resource kinds are read for errors but not added.</summary>
    /// <param name="directory">The directory.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ResourceInvalid"/>: a file is invalid (the message names it).</exception>
    public CloudRuntimesBuilder AddComponentsFrom(string directory)
    {
        foreach (var definition in ResourceLoader.LoadDirectory(directory, Context.AppId).Components)
        {
            AddComponent(definition);
        }
        return this;
    }

    /// <summary>Adds an already-created component.</summary>
    /// <typeparam name="TComponent">Its building-block interface.</typeparam>
    /// <param name="name">Component name.</param>
    /// <param name="type">Component type for the metadata API.</param>
    /// <param name="component">The component; the caller keeps ownership (it is not disposed with the others).</param>
    /// <param name="capabilities">Capabilities to report.</param>
    /// <returns>This builder.</returns>
    public CloudRuntimesBuilder AddInstance<TComponent>(string name, string type, TComponent component, IReadOnlyList<string>? capabilities = null)
        where TComponent : class
    {
        ArgumentNullException.ThrowIfNull(component);
        _instances.Add(new CreatedComponent(new ComponentInfo(name, type, "v1", capabilities ?? []), component, Owned: false));
        return this;
    }

    /// <summary>True when a component of that name has been added.</summary>
    /// <param name="name">Component name.</param>
    /// <returns>Whether it exists.</returns>
    public bool HasComponent(string name) => _definitions.Any(d => d.Name == name) || _instances.Any(i => i.Info.Name == name);

    /// <summary>
    /// Creates every component: the secret stores first, one after the other, so that other components'
    /// <c>secretKeyRef</c> items can be resolved; then all other components at once (opening files, loading workspaces
    /// and connecting to servers overlap). The result lists the components in that order whatever finishes first.
    /// </summary>
    /// <param name="cancellationToken">Cancels the creations still running.</param>
    /// <returns>The components; dispose them to release their resources.</returns>
    /// <exception cref="CloudRuntimesException">An unknown component type, invalid metadata or an unresolvable secret reference (the message names the
    /// component and its file; when several fail, the first of them in that order). Every component already created is disposed.</exception>
    public async Task<CloudRuntimesComponents> BuildAsync(CancellationToken cancellationToken = default)
    {
        var created = new List<CreatedComponent>(_instances);
        var secretStores = _definitions.Where(IsSecretStore).ToList();
        var others = _definitions.Where(d => !IsSecretStore(d)).ToList();
        try
        {
            foreach (var definition in secretStores)
            {
                created.Add(await CreateAsync(definition, created, cancellationToken).ConfigureAwait(false));
            }
            // Each creation starts on the thread pool: factories open files and connections synchronously before their first await.
            var creations = others.Select(definition => Task.Run(() => CreateAsync(definition, created, cancellationToken), cancellationToken)).ToList();
            try
            {
                await Task.WhenAll(creations).ConfigureAwait(false);
            }
            catch (Exception) when (creations.All(c => c.IsCompleted))
            {
                // Every creation has finished; the first failure in definition order is rethrown below.
            }
            // Every creation has finished: awaiting them in order adds the components, or rethrows the first failure.
            foreach (var creation in creations.OrderBy(c => !c.IsCompletedSuccessfully))
            {
                created.Add(await creation.ConfigureAwait(false));
            }
        }
        catch
        {
            await AsyncDisposal.DisposeAllAsync(created.Where(c => c.Owned).Select(c => c.Instance)).ConfigureAwait(false);
            throw;
        }
        return new CloudRuntimesComponents(created);
    }

    private bool IsSecretStore(ComponentDefinition definition) =>
        _factories.TryGetValue(definition.Type, out var registration) && registration.BuildingBlock == typeof(ISecretStore);

    /// <summary>Creates one component; <paramref name="created"/> (read only) holds the secret stores its references may use.</summary>
    private async Task<CreatedComponent> CreateAsync(ComponentDefinition definition, List<CreatedComponent> created, CancellationToken cancellationToken)
    {
        var resolved = await ResolveSecretsAsync(definition, created, cancellationToken).ConfigureAwait(false);
        if (!_factories.TryGetValue(resolved.Type, out var registration))
        {
            throw resolved.Invalid(
                $"component '{resolved.Name}' has unknown type '{resolved.Type}'; known types: {string.Join(", ", _factories.Keys.Order(StringComparer.Ordinal))}");
        }
        object instance;
        try
        {
            instance = await registration.Create(resolved, Context, cancellationToken).ConfigureAwait(false);
        }
        catch (CloudRuntimesException e) when (e.Error != CloudRuntimesErrors.ResourceInvalid)
        {
            throw resolved.Invalid(e.Message, e);
        }
        return new CreatedComponent(new ComponentInfo(resolved.Name, resolved.Type, resolved.Version, registration.Capabilities(resolved)), instance, Owned: true);
    }

    private static async Task<ComponentDefinition> ResolveSecretsAsync(ComponentDefinition definition, List<CreatedComponent> created, CancellationToken cancellationToken)
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
                throw definition.Invalid(
                    $"component '{definition.Name}' metadata '{key}' refers to secret store '{reference.Store ?? "(none named in auth.secretStore)"}', which is not defined");
            }
            var secret = await ((ISecretStore)stores[0].Instance).GetAsync(reference.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (secret is null || !secret.TryGetValue(reference.Key, out var value))
            {
                throw definition.Invalid(
                    $"component '{definition.Name}' metadata '{key}': secret '{reference.Name}' key '{reference.Key}' not found in '{stores[0].Info.Name}'");
            }
            metadata[key] = value;
        }
        return definition with { Metadata = metadata };
    }

    /// <summary>A registered component type: its building block, how to create one, and its capabilities.</summary>
    private sealed record Registration(
        Type BuildingBlock,
        Func<ComponentDefinition, ComponentContext, CancellationToken, Task<object>> Create,
        Func<ComponentDefinition, IReadOnlyList<string>> Capabilities);
}

/// <summary>A component the builder made (owned: disposed with the others) or was given.</summary>
internal sealed record CreatedComponent(ComponentInfo Info, object Instance, bool Owned);
