namespace Vtx.Protocol;

/// <summary>
/// A buffer over bytes in memory, as made by <c>stream-io.create-memory-buffer</c>; served as
/// <c>application/json</c> like the reference host does.
/// </summary>
/// <param name="data">The bytes; not copied, so the caller must not change them afterwards.</param>
public sealed class MemoryBuffer(ReadOnlyMemory<byte> data) : VtxBuffer
{
    /// <summary>The buffer's bytes.</summary>
    public ReadOnlyMemory<byte> Data { get; } = data;

    /// <inheritdoc/>
    public override ulong Size => (ulong)Data.Length;

    /// <inheritdoc/>
    public override string ContentType => "application/json";

    /// <inheritdoc/>
    public override int Read(ulong offset, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (offset >= (ulong)Data.Length)
        {
            return 0;
        }

        var source = Data.Span[(int)offset..];
        var count = Math.Min(source.Length, destination.Length);
        source[..count].CopyTo(destination);
        return count;
    }
}
