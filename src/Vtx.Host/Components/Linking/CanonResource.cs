using Vtx.Host.Components.Binary;
using Vtx.Host.Components.Types;
using Wasmtime;

namespace Vtx.Host.Components.Linking;

/// <summary>
/// The resource built-ins (CanonicalABI.md, <c>canon resource.new</c>, <c>resource.drop</c>, <c>resource.rep</c>) on the
/// instance's handle table. Dropping an owned host resource disposes the host object; dropping an owned resource a
/// component defines calls its destructor.
/// </summary>
internal static class CanonResource
{
    /// <summary>Defines the built-in in a linker (store-independent: it finds the calling instance through the store's data and <paramref name="owner"/>).</summary>
    public static void Define(Linker linker, string module, string name, ResourceBuiltin builtin, ResourceType resource, object owner)
    {
        switch (builtin)
        {
            case ResourceBuiltin.New:
                linker.DefineFunction(module, name, (Caller caller, int rep) =>
                {
                    var instance = ComponentInstance.Of(caller, owner);
                    CheckMayLeave(instance, "resource.new");
                    return instance.Handles.Insert(resource, rep, own: true);
                });
                break;
            case ResourceBuiltin.Drop:
                linker.DefineFunction(module, name, (Caller caller, int handle) => Drop(ComponentInstance.Of(caller, owner), resource, handle));
                break;
            default:
                linker.DefineFunction(module, name, (Caller caller, int handle) =>
                    (int)ComponentInstance.Of(caller, owner).Handles.Get(handle, resource, $"[resource-rep]{resource.Name}"));
                break;
        }
    }

    private static void Drop(ComponentInstance instance, ResourceType resource, int handle)
    {
        CheckMayLeave(instance, "resource.drop");
        instance.Handles.Drop(handle, resource, $"[resource-drop]{resource.Name}",
            instance.Destructors.TryGetValue(resource, out var destructor) ? rep => destructor.Invoke(rep) : null);
    }

    private static void CheckMayLeave(ComponentInstance instance, string what)
    {
        if (!instance.MayLeave)
        {
            throw new VtxPluginException(VtxErrorCode.AbiViolation,
                $"Plugin '{instance.Host.PluginId}' called {what} while its realloc or a post-return function was running.", instance.Host.PluginId);
        }
    }
}
