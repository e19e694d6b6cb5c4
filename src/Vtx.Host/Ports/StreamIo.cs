using Vtx.Protocol;

namespace Vtx.Host.Ports;

/// <summary>
/// The host's <c>stream-io</c>: memory buffers, and files from an <see cref="IVtxFileStore"/>
/// with vtx-core's error strings (<c>"UUID not found"</c>, <c>"IO Error: …"</c>).
/// </summary>
/// <param name="files">Where <c>open-file</c> looks.</param>
public sealed class StreamIo(IVtxFileStore files) : IStreamIo
{
    /// <inheritdoc/>
    public WitResult<VtxBuffer, string> OpenFile(string uuid)
    {
        try
        {
            return files.OpenFile(uuid) is { } buffer
                ? WitResult<VtxBuffer, string>.Ok(buffer)
                : WitResult<VtxBuffer, string>.Err("UUID not found");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return WitResult<VtxBuffer, string>.Err("IO Error: " + ex.Message);
        }
    }

    /// <inheritdoc/>
    public VtxBuffer CreateMemoryBuffer(ReadOnlySpan<byte> data) => new MemoryBuffer(data.ToArray());
}
