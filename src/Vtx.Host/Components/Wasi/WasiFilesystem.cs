using Vtx.Host.Components.Linking;
using Vtx.Host.Components.Types;

namespace Vtx.Host.Components.Wasi;

/// <summary>
/// <c>wasi:filesystem</c> 0.2 without preopens: <c>get-directories</c> is empty, so no descriptor can exist and the
/// descriptor methods cannot be reached (a handle to one fails before the call). The functions are present so that
/// toolchains that link them (wasi-libc, the preview1 adapter) load.
/// </summary>
internal static class WasiFilesystem
{
    private static readonly string[] DescriptorMethods =
    [
        "read-via-stream", "write-via-stream", "append-via-stream", "advise", "sync-data", "get-flags", "get-type", "set-size",
        "set-times", "read", "write", "read-directory", "sync", "create-directory-at", "stat", "stat-at", "set-times-at", "link-at",
        "open-at", "readlink-at", "remove-directory-at", "rename-at", "symlink-at", "unlink-file-at", "is-same-object",
        "metadata-hash", "metadata-hash-at",
    ];

    public static IEnumerable<HostInterface> Create()
    {
        var types = new HostInterface("wasi:filesystem/types", WasiInterfaces.Version)
            .Resource(WasiResources.Descriptor)
            .Resource(WasiResources.DirectoryEntryStream)
            .Resource(WasiResources.InputStream)
            .Resource(WasiResources.OutputStream)
            .Resource(WasiResources.Error)
            .Function("[method]directory-entry-stream.read-directory-entry", Unreachable)
            .Function("filesystem-error-code", (_, _) => WitVariant.None);
        foreach (var method in DescriptorMethods)
        {
            types.Function("[method]descriptor." + method, Unreachable);
        }

        return
        [
            types,
            new HostInterface("wasi:filesystem/preopens", WasiInterfaces.Version)
                .Resource(WasiResources.Descriptor)
                .Function("get-directories", (_, _) => Array.Empty<object?>()),
        ];
    }

    private static object? Unreachable(HostContext host, object?[] args) =>
        throw new VtxPluginException(VtxErrorCode.InvalidHandle, $"Plugin '{host.PluginId}' used a filesystem descriptor, but the sandbox opens none.", host.PluginId);
}
