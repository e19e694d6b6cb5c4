using CloudRuntimes.Files;
using Microsoft.AspNetCore.StaticFiles;
using Vtx.Host.Ports;
using Vtx.Protocol;

namespace CloudRuntimes.Host.Plugins;

/// <summary>
/// <c>stream-io.open-file</c> on the server's file component: the plugin's file id is the file's name in the store;
/// the media type comes from the name's extension.
/// </summary>
internal sealed class FileComponentPort(IFileStore files) : IVtxFileStore
{
    private static readonly FileExtensionContentTypeProvider MediaTypes = new();

    /// <inheritdoc />
    public VtxBuffer? OpenFile(string id)
    {
        Stream stream;
        try
        {
            stream = files.GetAsync(id).GetAwaiter().GetResult();
        }
        catch (CloudRuntimesException e) when (e.Error == CloudRuntimesErrors.FileNotFound || e.Error == CloudRuntimesErrors.FilePathInvalid)
        {
            return null;
        }
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            using (stream)
            {
                stream.CopyTo(copy);
            }
            copy.Position = 0;
            stream = copy;
        }
        return new StreamBuffer(stream, MediaTypes.TryGetContentType(id, out var mediaType) ? mediaType : "application/octet-stream");
    }
}
