namespace Rototo.Sources;

/// <summary>
/// Counts what one staging writes or reads against <see cref="WorkspaceSourceOptions.MaxArchiveEntries"/> and
/// <see cref="WorkspaceSourceOptions.MaxUnpackedBytes"/>: an archive's entries, file data and extended headers
/// (§12.3), or a local snapshot's or a layer projection's entries and file bytes. The messages are rototo's for
/// archives (<c>workspace archive contains too many entries: exceeded limit of {n}</c>,
/// <c>workspace archive decompressed content is too large: exceeded limit of {n} bytes</c>) and read the same for
/// the other trees (<c>workspace snapshot contains too many entries: ...</c>, <c>workspace snapshot is too large: ...</c>).
/// </summary>
/// <param name="options">The limits.</param>
/// <param name="what"><c>archive</c>, <c>snapshot</c> or <c>layer</c>.</param>
internal sealed class StagingBudget(WorkspaceSourceOptions options, string what)
{
    private long _entries;
    private long _bytes;

    /// <summary>What is staged: <c>archive</c>, <c>snapshot</c> or <c>layer</c>.</summary>
    public string What => what;

    /// <summary>Bytes that may still be added.</summary>
    public long RemainingBytes => Math.Max(0, options.MaxUnpackedBytes - _bytes);

    /// <summary>Counts one entry.</summary>
    /// <exception cref="RototoException">Over <see cref="WorkspaceSourceOptions.MaxArchiveEntries"/>.</exception>
    public void CountEntry()
    {
        if (++_entries > options.MaxArchiveEntries)
        {
            throw Error($"workspace {what} contains too many entries: exceeded limit of {options.MaxArchiveEntries}");
        }
    }

    /// <summary>Counts <paramref name="size"/> bytes (a declared size is counted before any of it is read).</summary>
    /// <param name="size">The bytes.</param>
    /// <param name="detail">What they are, added to the message in parentheses; null for none.</param>
    /// <exception cref="RototoException">Over <see cref="WorkspaceSourceOptions.MaxUnpackedBytes"/>, or a negative size.</exception>
    public void AddBytes(long size, string? detail = null)
    {
        if (size < 0 || size > RemainingBytes)
        {
            throw TooLarge(detail);
        }
        _bytes += size;
    }

    /// <summary>The error for content over <see cref="WorkspaceSourceOptions.MaxUnpackedBytes"/>.</summary>
    /// <param name="detail">What went over, added in parentheses; null for none.</param>
    /// <returns>The exception to throw.</returns>
    public RototoException TooLarge(string? detail = null)
    {
        var subject = what == "archive" ? "workspace archive decompressed content is too large" : $"workspace {what} is too large";
        return Error($"{subject}: exceeded limit of {options.MaxUnpackedBytes} bytes{(detail is null ? "" : $" ({detail})")}");
    }

    private static RototoException Error(string message) => new(RototoErrorCode.Source, message);
}
