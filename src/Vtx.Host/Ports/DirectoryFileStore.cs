using Vtx.Protocol;

namespace Vtx.Host.Ports;

/// <summary>
/// An <see cref="IVtxFileStore"/> over one folder: id <c>X</c> (a UUID, any case) is the file
/// named <c>X</c> or <c>X.ext</c> directly in the folder; the media type follows the extension.
/// </summary>
/// <param name="root">The folder; it need not exist yet.</param>
public sealed class DirectoryFileStore(string root) : IVtxFileStore
{
    private static readonly Dictionary<string, string> MediaTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".mp4"] = "video/mp4",
        [".webm"] = "video/webm",
        [".mkv"] = "video/x-matroska",
        [".json"] = "application/json",
        [".txt"] = "text/plain",
        [".html"] = "text/html",
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
    };

    /// <inheritdoc/>
    public VtxBuffer? OpenFile(string id)
    {
        if (!Guid.TryParseExact(id, "D", out _) || !Directory.Exists(root))
        {
            return null;
        }

        var path = Directory.EnumerateFiles(root, id + "*")
            .FirstOrDefault(p => Path.GetFileNameWithoutExtension(p).Equals(id, StringComparison.OrdinalIgnoreCase)
                || Path.GetFileName(p).Equals(id, StringComparison.OrdinalIgnoreCase));
        if (path is null)
        {
            return null;
        }

        var mediaType = MediaTypes.GetValueOrDefault(Path.GetExtension(path), "application/octet-stream");
        return new StreamBuffer(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read), mediaType);
    }
}
