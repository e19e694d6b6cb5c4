namespace Vtx.Host.Components.Types;

/// <summary>
/// A resource type: its identity is the object. Host resources (e.g. <c>buffer</c>, <c>wasi:io/streams.output-stream</c>)
/// are represented by a .NET object of <see cref="HostClass"/>; dropping the last owning handle disposes it when it is
/// <see cref="IDisposable"/>. Resources a component defines (<c>(type (resource (rep i32)))</c>) are represented by
/// the component's <c>int</c> rep and may have a core destructor.
/// </summary>
internal sealed class ResourceType
{
    private ResourceType(string name, Type? hostClass, object? definedBy)
    {
        Name = name;
        HostClass = hostClass;
        DefinedBy = definedBy;
    }

    /// <summary>The resource's name, for messages.</summary>
    public string Name { get; }

    /// <summary>The .NET class of the host objects this resource stands for; null for a resource a component defines.</summary>
    public Type? HostClass { get; }

    /// <summary>The compiled component whose <c>canon resource.new</c> makes handles of this type; null for host resources.</summary>
    public object? DefinedBy { get; }

    public bool IsHost => HostClass is not null;

    public static ResourceType Host<T>(string name) => new(name, typeof(T), null);

    public static ResourceType Guest(string name, object definedBy) => new(name, null, definedBy);

    public override string ToString() => Name;
}
