namespace CloudRuntimes.Components.Hosting;

/// <summary>
/// An <see cref="IComponentFactory"/> assembled from one creation function per component type; component projects
/// use it to register their types (<c>new ComponentFactory().Add("state.sqlite", ...)</c>).
/// </summary>
public sealed class ComponentFactory : IComponentFactory
{
    private readonly Dictionary<string, (Func<ComponentDefinition, ComponentContext, object> Create, IReadOnlyList<string> Capabilities)> _types = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public IReadOnlyList<string> Types => [.. _types.Keys];

    /// <summary>Adds a component type.</summary>
    /// <param name="type">The type name, e.g. <c>state.sqlite</c>.</param>
    /// <param name="create">Creates an instance from a definition (throws <see cref="CloudRuntimesException"/> for bad metadata).</param>
    /// <param name="capabilities">Capabilities to report for components of this type.</param>
    /// <returns>This factory.</returns>
    public ComponentFactory Add(string type, Func<ComponentDefinition, ComponentContext, object> create, IReadOnlyList<string>? capabilities = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentNullException.ThrowIfNull(create);
        _types[type] = (create, capabilities ?? []);
        return this;
    }

    /// <inheritdoc />
    public object Create(ComponentDefinition definition, ComponentContext context)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return _types.TryGetValue(definition.Type, out var type)
            ? type.Create(definition, context)
            : throw new CloudRuntimesException(CloudRuntimesErrorCodes.MalformedRequest, $"component '{definition.Name}': this factory does not create type '{definition.Type}'");
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Capabilities(ComponentDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return _types.TryGetValue(definition.Type, out var type) ? type.Capabilities : [];
    }
}
