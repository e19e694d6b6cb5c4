namespace Rototo.Sources;

/// <summary>
/// Counts what one load stages against <see cref="WorkspaceSourceOptions.MaxArchiveEntries"/> and
/// <see cref="WorkspaceSourceOptions.MaxUnpackedBytes"/>: an archive's entries, file data and extended headers
/// (§12.3), a git checkout's entries and file bytes, and a local snapshot's or a layer projection's entries and file
/// bytes. A load with <c>extends</c> has one
/// budget for all its layers together (<see cref="For"/> shares it), so the limits bound everything the load writes,
/// however many parents it names. The messages are rototo's for archives
/// (<c>workspace archive contains too many entries: exceeded limit of {n}</c>,
/// <c>workspace archive decompressed content is too large: exceeded limit of {n} bytes</c>) and read the same for
/// the other trees (<c>workspace snapshot contains too many entries: ...</c>, <c>workspace snapshot is too large: ...</c>;
/// a git checkout's name its source: <c>workspace git checkout is too large: exceeded limit of {n} bytes ({source})</c>).
/// </summary>
internal sealed class StagingBudget
{
    private readonly WorkspaceSourceOptions _options;
    private readonly Counts _counts;
    private readonly string? _source;

    /// <summary>A new budget, with nothing counted yet.</summary>
    /// <param name="options">The limits.</param>
    /// <param name="what"><c>archive</c>, <c>git checkout</c>, <c>snapshot</c> or <c>layer</c>: names the tree in messages.</param>
    public StagingBudget(WorkspaceSourceOptions options, string what)
        : this(options, what, null, new Counts())
    {
    }

    private StagingBudget(WorkspaceSourceOptions options, string what, string? source, Counts counts)
    {
        _options = options;
        What = what;
        _source = source;
        _counts = counts;
    }

    /// <summary>What is staged: <c>archive</c>, <c>git checkout</c>, <c>snapshot</c> or <c>layer</c>.</summary>
    public string What { get; }

    /// <summary>Bytes that may still be added.</summary>
    public long RemainingBytes => Math.Max(0, _options.MaxUnpackedBytes - _counts.Bytes);

    /// <summary>This budget, for another tree of the same load: what either counts, both have used.</summary>
    /// <param name="what">Names the tree in messages.</param>
    /// <param name="source">The source, added to the messages in parentheses; null for the source, if any.</param>
    /// <returns>A budget sharing this one's counts.</returns>
    public StagingBudget For(string what, string? source = null) => new(_options, what, source, _counts);

    /// <summary>Counts one entry.</summary>
    /// <exception cref="RototoException">Over <see cref="WorkspaceSourceOptions.MaxArchiveEntries"/>.</exception>
    public void CountEntry()
    {
        if (++_counts.Entries > _options.MaxArchiveEntries)
        {
            throw Error($"workspace {What} contains too many entries: exceeded limit of {_options.MaxArchiveEntries}{Detail(null)}");
        }
    }

    /// <summary>Counts <paramref name="size"/> bytes (a declared size is counted before any of it is read).</summary>
    /// <param name="size">The bytes.</param>
    /// <param name="detail">What they are, added to the message in parentheses; null for the source, if any.</param>
    /// <exception cref="RototoException">Over <see cref="WorkspaceSourceOptions.MaxUnpackedBytes"/>, or a negative size.</exception>
    public void AddBytes(long size, string? detail = null)
    {
        if (size < 0 || size > RemainingBytes)
        {
            throw TooLarge(detail);
        }
        _counts.Bytes += size;
    }

    /// <summary>The error for content over <see cref="WorkspaceSourceOptions.MaxUnpackedBytes"/>.</summary>
    /// <param name="detail">What went over, added in parentheses; null for the source, if any.</param>
    /// <returns>The exception to throw.</returns>
    public RototoException TooLarge(string? detail = null)
    {
        var subject = What == "archive" ? "workspace archive decompressed content is too large" : $"workspace {What} is too large";
        return Error($"{subject}: exceeded limit of {_options.MaxUnpackedBytes} bytes{Detail(detail)}");
    }

    private string Detail(string? detail) => (detail ?? _source) is { } text ? $" ({text})" : "";

    private static RototoException Error(string message) => new(RototoErrorCode.Source, message);

    /// <summary>The entries and bytes counted so far, shared by every <see cref="For"/> of one budget.</summary>
    private sealed class Counts
    {
        public long Entries;
        public long Bytes;
    }
}
