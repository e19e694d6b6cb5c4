using Vtx.Host.Components.Types;

namespace Vtx.Host.Components.Linking;

/// <summary>
/// What is known about a component-level item before instantiation: the types that lifting and lowering use and the
/// shape that imports are checked against. Items are functions (<see cref="FuncItem"/>), instances
/// (<see cref="InstanceItem"/>), types (<see cref="TypeItem"/>) and uninstantiated components (<see cref="ComponentItem"/>).
/// </summary>
internal abstract record StaticItem;

/// <summary>
/// A function and its type; null only for a host function whose type the host does not declare (WASI: the importing
/// component's declared type is used). In a component's index space the type is always known.
/// </summary>
internal sealed record FuncItem(string Name, FuncType? Type) : StaticItem;

/// <summary>An instance: its exports by name.</summary>
internal sealed record InstanceItem(string Name, IReadOnlyDictionary<string, StaticItem> Exports) : StaticItem;

/// <summary>A type: a <see cref="WitType"/>, <see cref="FuncType"/>, <see cref="ResourceType"/> or an unresolved instance or component type.</summary>
internal sealed record TypeItem(object Type) : StaticItem;

/// <summary>A component definition not instantiated yet, with the scope its outer aliases see.</summary>
internal sealed record ComponentItem(Binary.ComponentAst Ast, Scope Outer) : StaticItem;

/// <summary>
/// An instance at run time: its exported functions and instances by name. Host interfaces are instance values shared by
/// every store (their functions take the store's <see cref="HostContext"/>); component instances make their own.
/// </summary>
internal sealed class InstanceValue(IReadOnlyDictionary<string, object> exports)
{
    public IReadOnlyDictionary<string, object> Exports => exports;

    public T Get<T>(string name) where T : class => exports.TryGetValue(name, out var value) && value is T typed
        ? typed
        : throw new InvalidOperationException($"instance has no {typeof(T).Name} export '{name}'");
}
