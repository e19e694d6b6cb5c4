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
    public static Function Create(ComponentInstance instance, ResourceBuiltin builtin, ResourceType resource)
    {
        var handles = instance.Handles;
        var store = instance.Store;
        return builtin switch
        {
            ResourceBuiltin.New => Function.FromCallback(store, (int rep) =>
            {
                CheckMayLeave(instance, "resource.new");
                return handles.Insert(resource, rep, own: true);
            }),
            ResourceBuiltin.Drop => Function.FromCallback(store, (int handle) =>
            {
                CheckMayLeave(instance, "resource.drop");
                handles.Drop(handle, resource, $"[resource-drop]{resource.Name}",
                    instance.Destructors.TryGetValue(resource, out var destructor) ? rep => destructor.Invoke(rep) : null);
            }),
            _ => Function.FromCallback(store, (int handle) => (int)handles.Get(handle, resource, $"[resource-rep]{resource.Name}")),
        };
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
