namespace Vtx.Protocol;

/// <summary>
/// WIT resource <c>stream-io.buffer</c>: a sized sequence of bytes read by position. The owner
/// disposes it; reading a disposed buffer throws <see cref="ObjectDisposedException"/>.
/// </summary>
public abstract class VtxBuffer : IDisposable
{
    /// <summary>Length in bytes (WIT <c>[method]buffer.size</c>).</summary>
    public abstract ulong Size { get; }

    /// <summary>The media type a host serves this buffer with, e.g. <c>application/json</c>.</summary>
    public abstract string ContentType { get; }

    /// <summary><see langword="true"/> after <see cref="Dispose()"/>.</summary>
    protected bool IsDisposed { get; private set; }

    /// <summary>
    /// Copies bytes starting at <paramref name="offset"/> into <paramref name="destination"/>.
    /// </summary>
    /// <param name="offset">Byte offset from the start; past the end reads nothing.</param>
    /// <param name="destination">Where to copy; its length is the most bytes read.</param>
    /// <returns>The number of bytes copied: fewer than asked at the end, 0 past it.</returns>
    public abstract int Read(ulong offset, Span<byte> destination);

    /// <summary>WIT <c>[method]buffer.read(offset, max-bytes)</c>: up to <paramref name="maxBytes"/> bytes from <paramref name="offset"/>.</summary>
    /// <param name="offset">Byte offset from the start.</param>
    /// <param name="maxBytes">Most bytes to return; the result is also capped by the bytes left.</param>
    /// <returns>A new array with the bytes read (empty past the end).</returns>
    public byte[] Read(ulong offset, ulong maxBytes)
    {
        var left = offset >= Size ? 0UL : Size - offset;
        var count = (int)Math.Min(Math.Min(left, maxBytes), (ulong)Array.MaxLength);
        var bytes = new byte[count];
        var read = Read(offset, bytes);
        return read == count ? bytes : bytes[..read];
    }

    /// <summary>Opens a read-only <see cref="Stream"/> over the whole buffer; the buffer must outlive it.</summary>
    /// <returns>A stream positioned at 0.</returns>
    public Stream OpenRead() => new BufferStream(this);

    /// <summary>Releases the buffer's storage.</summary>
    public void Dispose()
    {
        if (IsDisposed)
        {
            return;
        }

        IsDisposed = true;
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases resources held by a derived buffer.</summary>
    /// <param name="disposing"><see langword="true"/> when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
    }

    private sealed class BufferStream(VtxBuffer buffer) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => (long)buffer.Size;

        public override long Position
        {
            get => _position;
            set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
        }

        public override int Read(byte[] buffer1, int offset, int count) => Read(buffer1.AsSpan(offset, count));

        public override int Read(Span<byte> destination)
        {
            var read = buffer.Read((ulong)_position, destination);
            _position += read;
            return read;
        }

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => Length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer1, int offset, int count) => throw new NotSupportedException();
    }
}
