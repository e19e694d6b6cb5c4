using CloudRuntimes.Files;
using Microsoft.AspNetCore.StaticFiles;
using Vtx.Host.Ports;
using Vtx.Protocol;

namespace CloudRuntimes.Host.Plugins;

/// <summary>
/// <c>stream-io.open-file</c> on the server's file component, through its synchronous read port: the plugin's file id
/// is the file's name in the store (the store's path rules apply); the media type comes from the name's extension.
/// </summary>
internal sealed class FileComponentPort(IFileReadPort files) : IVtxFileStore
{
    private static readonly FileExtensionContentTypeProvider MediaTypes = new();

    /// <inheritdoc />
    public VtxBuffer? OpenFile(string id)
    {
        Stream stream;
        try
        {
            stream = files.OpenRead(id);
        }
        catch (CloudRuntimesException e) when (e.Error == CloudRuntimesErrors.FileNotFound || e.Error == CloudRuntimesErrors.FilePathInvalid)
        {
            return null;
        }
        return new StreamBuffer(stream, MediaTypes.TryGetContentType(id, out var mediaType) ? mediaType : "application/octet-stream");
    }
}
