using Rototo.Lint;

namespace Rototo.LanguageServer;

/// <summary>
/// What the language server keeps of a lint, file by file (it publishes diagnostics per document, §16): each file's
/// first <see cref="MaxPerFile"/> diagnostics, errors before warnings and each in rototo's order
/// (<see cref="DiagnosticOrder.ErrorsFirst"/>), every one counted; over all files at most <see cref="MaxHeld"/> diagnostics
/// and <see cref="DiagnosticCollector.MaxKeptMessageChars"/> characters of messages once lint ends.
/// </summary>
/// <remarks>
/// Each file has its own <see cref="DiagnosticCollector"/>. Whenever the files together hold twice a total bound, and
/// once more when lint ends, every file's bound is lowered to one level, the largest at which all files fit the total (a
/// file with fewer diagnostics than the level keeps them all), but never below one diagnostic a file: every file with
/// diagnostics keeps at least its first, whatever its place in the workspace (a workspace has at most 10,000 files).
/// Messages are bounded the same way, without that floor: a file whose first message is longer than its share keeps
/// none. Bounds only go down, so a diagnostic dropped is never among a file's first.
/// </remarks>
/// <param name="fileOf">The file a diagnostic is published with (workspace-root diagnostics go to the manifest).</param>
internal sealed class FileDiagnosticCollector(Func<DiagnosticLocation, string> fileOf) : IDiagnosticSink
{
    /// <summary>Most diagnostics published for one file: 1,000, more than an editor's problem list is read for.</summary>
    public const int MaxPerFile = 1_000;

    /// <summary>
    /// Most diagnostics kept over all files once lint ends, 50,000 (about 600 bytes each, 30 MB; at most twice that while
    /// lint runs); past it each file keeps an equal share, e.g. 10 for 5,000 files.
    /// </summary>
    public const int MaxHeld = 50_000;

    private readonly Dictionary<string, DiagnosticCollector> _files = new(StringComparer.Ordinal);
    private int _capacity = MaxPerFile;
    private long _maxChars = DiagnosticCollector.MaxKeptMessageChars;
    private long _held;
    private long _heldChars;

    /// <summary>Counts the diagnostic for its file and keeps it while it may be among the file's first.</summary>
    public void Add(LintDiagnostic diagnostic)
    {
        var file = fileOf(diagnostic.Location);
        if (!_files.TryGetValue(file, out var collector))
        {
            _files[file] = collector = new DiagnosticCollector(_capacity, order: DiagnosticOrder.ErrorsFirst, maxChars: _maxChars);
        }
        collector.Add(diagnostic);
        _held++;
        _heldChars += diagnostic.Message.Length;
        if (_held >= 2L * MaxHeld || _heldChars >= 2 * DiagnosticCollector.MaxKeptMessageChars)
        {
            Level();
        }
    }

    /// <summary>Once lint has ended: every file with diagnostics, its kept ones in rototo's order and the count of the rest.</summary>
    public IEnumerable<FileDiagnostics> Files()
    {
        Level();
        var order = Comparer<LintDiagnostic>.Create(DiagnosticOrder.Compare);
        foreach (var (file, collector) in _files)
        {
            var kept = collector.Sorted();
            var errorsKept = kept.Count(d => d.Severity == LintSeverity.Error);
            yield return new FileDiagnostics(file, [.. kept.Order(order)], collector.Errors - errorsKept, collector.Warnings - (kept.Count - errorsKept));
        }
    }

    /// <summary>Lowers every file's bounds to the level at which all files fit <see cref="MaxHeld"/> and the bound on characters.</summary>
    private void Level()
    {
        LowerAll(_capacity, _maxChars);
        _capacity = (int)Math.Clamp(LevelOf([.. _files.Values.Select(c => (long)c.Held)], MaxHeld), 1, _capacity);
        LowerAll(_capacity, _maxChars);
        _maxChars = Math.Min(_maxChars, LevelOf([.. _files.Values.Select(c => c.HeldChars)], DiagnosticCollector.MaxKeptMessageChars));
        LowerAll(_capacity, _maxChars);
        _held = _files.Values.Sum(c => (long)c.Held);
        _heldChars = _files.Values.Sum(c => c.HeldChars);
    }

    private void LowerAll(int capacity, long maxChars)
    {
        foreach (var collector in _files.Values)
        {
            collector.Lower(capacity, maxChars);
        }
    }

    /// <summary>The largest level L with Σ min(size, L) ≤ <paramref name="budget"/>; <see cref="long.MaxValue"/> when all sizes fit.</summary>
    private static long LevelOf(long[] sizes, long budget)
    {
        Array.Sort(sizes);
        long used = 0;
        for (var i = 0; i < sizes.Length; i++)
        {
            var rest = sizes.Length - i;
            if (sizes[i] * rest > budget - used)
            {
                return (budget - used) / rest;
            }
            used += sizes[i];
        }
        return long.MaxValue;
    }
}

/// <summary>The diagnostics the language server publishes for one file.</summary>
/// <param name="File">The file's absolute path.</param>
/// <param name="Kept">The kept diagnostics, in rototo's order.</param>
/// <param name="ErrorsNotShown">Error diagnostics of the file not kept.</param>
/// <param name="WarningsNotShown">Warning diagnostics of the file not kept.</param>
internal sealed record FileDiagnostics(string File, IReadOnlyList<LintDiagnostic> Kept, int ErrorsNotShown, int WarningsNotShown);
