using Vtx.Host.Components.Types;

namespace Vtx.Host.Components.Linking;

/// <summary>
/// An interface the host implements (e.g. <c>wasi:io/streams</c>): its functions and the resource types it exports or
/// uses, by name. A component imports it under a versioned name; any version with the same major and minor numbers
/// matches (<see cref="HostRegistry"/>).
/// </summary>
internal sealed class HostInterface(string name, string version)
{
    private readonly Dictionary<string, StaticItem> _items = new(StringComparer.Ordinal);
    private readonly Dictionary<string, object> _values = new(StringComparer.Ordinal);

    /// <summary>The interface name without version, e.g. <c>wasi:io/streams</c>.</summary>
    public string Name => name;

    /// <summary>The version the host implements, e.g. <c>0.2.12</c>.</summary>
    public string Version => version;

    public IReadOnlyDictionary<string, object> Values => _values;

    /// <summary>Adds a resource type the interface defines or uses.</summary>
    public HostInterface Resource(ResourceType resource)
    {
        _items[resource.Name] = new TypeItem(resource);
        return this;
    }

    /// <summary>Adds a function; <paramref name="type"/> is checked against importing components when given.</summary>
    public HostInterface Function(string functionName, Func<HostContext, object?[], object?> implementation, FuncType? type = null)
    {
        var function = new HostFunction(functionName, implementation, type);
        _items[functionName] = new FuncItem(functionName, type);
        _values[functionName] = function;
        return this;
    }

    /// <summary>The function a bare core module imports by this name, or null.</summary>
    public HostFunction? FindFunction(string functionName) => _values.GetValueOrDefault(functionName) as HostFunction;

    /// <summary>The resource type named <paramref name="resourceName"/>, or null.</summary>
    public ResourceType? FindResource(string resourceName) => (_items.GetValueOrDefault(resourceName) as TypeItem)?.Type as ResourceType;

    public InstanceItem Describe() => new($"the host's {name}@{version}", _items);

    public InstanceValue Instance() => new(_values);
}

/// <summary>The host interfaces by name, matched against a component's versioned import names.</summary>
internal sealed class HostRegistry
{
    private readonly Dictionary<string, (HostInterface Interface, InstanceItem Item, InstanceValue Value)> _interfaces = new(StringComparer.Ordinal);

    public HostRegistry Add(HostInterface hostInterface)
    {
        _interfaces[hostInterface.Name] = (hostInterface, hostInterface.Describe(), hostInterface.Instance());
        return this;
    }

    /// <summary>
    /// The interface an import name such as <c>wasi:io/streams@0.2.10</c> refers to: same name, and a version with the
    /// same major and minor numbers as the host's (0.2.x matches WASI 0.2); null when the host has none.
    /// </summary>
    public HostInterface? Find(string importName)
    {
        var at = importName.LastIndexOf('@');
        var (name, version) = at < 0 ? (importName, "") : (importName[..at], importName[(at + 1)..]);
        return _interfaces.TryGetValue(name, out var entry) && SameMinor(version, entry.Interface.Version) ? entry.Interface : null;
    }

    /// <summary>The static description and run-time value of an import, for <see cref="ComponentCompiler"/>.</summary>
    public (StaticItem Item, object? Value)? Resolve(string importName) =>
        Find(importName) is { } found && _interfaces.TryGetValue(found.Name, out var entry) ? (entry.Item, entry.Value) : null;

    private static bool SameMinor(string version, string hostVersion)
    {
        var wanted = version.Split('.', 3);
        var host = hostVersion.Split('.', 3);
        return wanted.Length >= 2 && wanted[0] == host[0] && wanted[1] == host[1];
    }
}
