using Vtx.Host.Components.Types;

namespace Vtx.Host.Components.Linking;

/// <summary>
/// A component-level function at run time: a host function, or a core function lifted by a component instance.
/// Arguments and the result are the runtime values described on <see cref="WitType"/>, typed by the caller's declared
/// <see cref="FuncType"/>.
/// </summary>
internal abstract class ComponentFunction(string name)
{
    /// <summary>The name the function was imported or exported under, for messages.</summary>
    public string Name => name;

    public abstract object? Invoke(HostContext host, object?[] args);
}

/// <summary>
/// A function the host implements. <see cref="DeclaredType"/>, when given, is checked against the type a component
/// imports it with (vtx:api); without it the component's declared type drives lifting and lowering and a value that does
/// not fit fails the call (WASI, whose types the host implements by shape).
/// </summary>
internal sealed class HostFunction(string name, Func<HostContext, object?[], object?> implementation, FuncType? declaredType = null) : ComponentFunction(name)
{
    public FuncType? DeclaredType => declaredType;

    public override object? Invoke(HostContext host, object?[] args) => implementation(host, args);
}
