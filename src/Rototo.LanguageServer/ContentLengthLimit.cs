using System.Globalization;
using System.Text;

namespace Rototo.LanguageServer;

/// <summary>
/// The client-to-server stream as the language server reads it, checked for §16's framing limit: it follows the
/// <c>Content-Length</c> framing as the bytes pass through and fails the read that brings a header announcing more than
/// <see cref="MaxContentLength"/> bytes (4 MiB), or a header block longer than 8 KiB, before any of that body is read.
/// The failure ends the connection with an <see cref="InvalidDataException"/> that names the limit.
/// </summary>
internal sealed class ContentLengthLimit(Stream inner) : Stream
{
    /// <summary>The largest message body accepted: 4 MiB.</summary>
    public const int MaxContentLength = 4 * 1024 * 1024;

    private const int MaxHeaderBytes = 8 * 1024;
    private readonly MemoryStream _header = new();
    private long _bodyRemaining;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = inner.Read(buffer, offset, count);
        Inspect(buffer.AsSpan(offset, read));
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Inspect(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            _header.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Follows the framing over <paramref name="bytes"/>: body bytes are counted off, header bytes collected until the blank line.</summary>
    private void Inspect(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            if (_bodyRemaining > 0)
            {
                var body = (int)Math.Min(_bodyRemaining, bytes.Length);
                _bodyRemaining -= body;
                bytes = bytes[body..];
                continue;
            }

            _header.WriteByte(bytes[0]);
            bytes = bytes[1..];
            if (_header.Length > MaxHeaderBytes)
            {
                throw new InvalidDataException($"rototo lsp: a message header is longer than {MaxHeaderBytes} bytes");
            }

            if (EndsWithBlankLine())
            {
                _bodyRemaining = ContentLengthOf(Encoding.ASCII.GetString(_header.GetBuffer(), 0, (int)_header.Length));
                _header.SetLength(0);
            }
        }
    }

    private bool EndsWithBlankLine()
    {
        var length = (int)_header.Length;
        var bytes = _header.GetBuffer();
        return length >= 4 && bytes[length - 4] == '\r' && bytes[length - 3] == '\n' && bytes[length - 2] == '\r' && bytes[length - 1] == '\n';
    }

    /// <summary>The announced body length; 0 when absent or unreadable (StreamJsonRpc reports those headers itself).</summary>
    private static long ContentLengthOf(string header)
    {
        foreach (var line in header.Split("\r\n"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                && long.TryParse(line[(colon + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                return length <= MaxContentLength
                    ? length
                    : throw new InvalidDataException($"rototo lsp: a message of {length} bytes is over the limit of {MaxContentLength} bytes (4 MiB)");
            }
        }

        return 0;
    }
}
