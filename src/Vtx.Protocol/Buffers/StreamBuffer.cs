namespace Vtx.Protocol;

/// <summary>
/// A buffer over a seekable, readable stream (typically a <see cref="FileStream"/> opened by
/// <c>stream-io.open-file</c>); disposing the buffer disposes the stream.
/// </summary>
public sealed class StreamBuffer : VtxBuffer
{
    private readonly Stream _stream;

    /// <summary>Wraps <paramref name="stream"/>.</summary>
    /// <param name="stream">A readable, seekable stream; owned by the buffer from now on.</param>
    /// <param name="contentType">The media type to serve it with, e.g. <c>video/mp4</c>.</param>
    /// <exception cref="ArgumentException">The stream cannot read or seek.</exception>
    public StreamBuffer(Stream stream, string contentType)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead || !stream.CanSeek)
        {
            throw new ArgumentException("A buffer needs a readable, seekable stream.", nameof(stream));
        }

        _stream = stream;
        ContentType = contentType;
    }

    /// <inheritdoc/>
    public override ulong Size => (ulong)_stream.Length;

    /// <inheritdoc/>
    public override string ContentType { get; }

    /// <inheritdoc/>
    public override int Read(ulong offset, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (offset >= Size)
        {
            return 0;
        }

        _stream.Position = (long)offset;
        var total = 0;
        while (total < destination.Length)
        {
            var read = _stream.Read(destination[total..]);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stream.Dispose();
        }

        base.Dispose(disposing);
    }
}
