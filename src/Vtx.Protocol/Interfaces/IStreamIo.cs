namespace Vtx.Protocol;

/// <summary>Import interface <c>stream-io</c> of world <c>plugin</c>: host byte buffers.</summary>
public interface IStreamIo
{
    /// <summary>Function <c>stream-io.open-file</c>: opens the file the host knows by <paramref name="uuid"/>.</summary>
    /// <param name="uuid">The file's id.</param>
    /// <returns><c>ok(buffer)</c> owned by the caller, or <c>err("UUID not found")</c> / <c>err("Permission Denied")</c> / <c>err("IO Error: …")</c>.</returns>
    WitResult<VtxBuffer, string> OpenFile(string uuid);

    /// <summary>Function <c>stream-io.create-memory-buffer</c>: wraps a copy of <paramref name="data"/> in a buffer.</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>A buffer owned by the caller.</returns>
    VtxBuffer CreateMemoryBuffer(ReadOnlySpan<byte> data);
}
