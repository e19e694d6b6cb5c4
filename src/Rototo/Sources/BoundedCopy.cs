namespace Rototo.Sources;

/// <summary>Stream copies that stop at a byte limit (archive downloads and unpacking, §12.3).</summary>
internal static class BoundedCopy
{
    private const int BufferSize = 81920;

    /// <summary>Copies at most <paramref name="limit"/> bytes; throws <paramref name="tooLarge"/>() when the source has more.</summary>
    /// <param name="from">The source.</param>
    /// <param name="to">The destination.</param>
    /// <param name="limit">The most bytes accepted.</param>
    /// <param name="tooLarge">The error when the source has more.</param>
    /// <param name="observe">Sees every chunk copied (a checksum), or null.</param>
    /// <returns>The number of bytes copied.</returns>
    public static long Copy(Stream from, Stream to, long limit, Func<Exception> tooLarge, Action<ReadOnlySpan<byte>>? observe = null)
    {
        var buffer = new byte[BufferSize];
        long total = 0;
        int read;
        while ((read = from.Read(buffer, 0, buffer.Length)) > 0)
        {
            total += read;
            if (total > limit)
            {
                throw tooLarge();
            }
            to.Write(buffer, 0, read);
            observe?.Invoke(buffer.AsSpan(0, read));
        }
        return total;
    }

    /// <summary>Asynchronous <see cref="Copy"/>.</summary>
    /// <returns>The number of bytes copied.</returns>
    public static async Task<long> CopyAsync(Stream from, Stream to, long limit, Func<Exception> tooLarge, CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        long total = 0;
        int read;
        while ((read = await from.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
            if (total > limit)
            {
                throw tooLarge();
            }
            await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }
        return total;
    }
}
