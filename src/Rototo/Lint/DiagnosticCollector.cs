namespace Rototo.Lint;

/// <summary>
/// Receives every diagnostic lint reports, counts those it selects by severity and keeps only the first
/// <c>capacity</c> of them in rototo's order (<see cref="DiagnosticOrder"/>), and only as many of those as have at most
/// <see cref="MaxKeptMessageChars"/> of messages: a legal workspace can raise millions of diagnostics (about 600 bytes
/// each), custom lint messages can be megabytes each, and a report or a load needs at most a screenful of them plus the
/// counts.
/// </summary>
/// <remarks>
/// rototo's order is by location and stages report in stage order, so which diagnostics come first is only known when
/// lint ends. The collector holds at most <c>2 × capacity</c> diagnostics and <c>2 × </c><see cref="MaxKeptMessageChars"/>
/// characters of messages: when either is reached it sorts them and drops all but the first that fit both bounds. Until
/// then it holds them in report order and sorts once at the end, as lint always did, so a report within the bounds is
/// exactly what it was.
/// </remarks>
internal sealed class DiagnosticCollector
{
    private readonly int _capacity;
    private readonly Func<LintDiagnostic, bool>? _selects;
    private readonly List<LintDiagnostic> _kept = [];
    private long _keptChars;
    private bool _sorted;

    /// <summary>
    /// Most characters of messages kept: 32 Mi (64 MiB of UTF-16). Built-in messages are a line each; a custom lint pass
    /// may return up to 16 MiB of text, and 10,000 such messages would be hundreds of GB.
    /// </summary>
    public const long MaxKeptMessageChars = 32L * 1024 * 1024;

    /// <summary>A collector that keeps up to <paramref name="capacity"/> of the diagnostics <paramref name="selects"/> accepts.</summary>
    /// <param name="capacity">Most diagnostics kept, 0 or more.</param>
    /// <param name="selects">Which diagnostics count and may be kept; null for all.</param>
    public DiagnosticCollector(int capacity, Func<LintDiagnostic, bool>? selects = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _capacity = capacity;
        _selects = selects;
    }

    /// <summary>Selected error diagnostics, kept or not.</summary>
    public int Errors { get; private set; }

    /// <summary>Selected warning diagnostics, kept or not.</summary>
    public int Warnings { get; private set; }

    /// <summary>Counts the diagnostic if selected, and keeps it while it may be among the first <c>capacity</c>.</summary>
    /// <exception cref="InvalidOperationException"><see cref="Sorted"/> was called: lint has ended.</exception>
    public void Add(LintDiagnostic diagnostic)
    {
        if (_sorted)
        {
            throw new InvalidOperationException("diagnostics were already sorted");
        }
        if (_selects is not null && !_selects(diagnostic))
        {
            return;
        }
        if (diagnostic.Severity == LintSeverity.Error)
        {
            Errors++;
        }
        else
        {
            Warnings++;
        }
        if (_capacity == 0)
        {
            return;
        }
        _kept.Add(diagnostic);
        _keptChars += diagnostic.Message.Length;
        if (_kept.Count >= 2L * _capacity || _keptChars >= 2 * MaxKeptMessageChars)
        {
            KeepFirst();
        }
    }

    /// <summary>The kept diagnostics, sorted in rototo's order: the first <c>capacity</c> of all selected, fewer when their messages would pass <see cref="MaxKeptMessageChars"/>.</summary>
    public IReadOnlyList<LintDiagnostic> Sorted()
    {
        if (!_sorted)
        {
            KeepFirst();
            _sorted = true;
        }
        return _kept;
    }

    private void KeepFirst()
    {
        _kept.Sort(DiagnosticOrder.Compare);
        var keep = 0;
        long chars = 0;
        while (keep < Math.Min(_kept.Count, _capacity) && chars + _kept[keep].Message.Length <= MaxKeptMessageChars)
        {
            chars += _kept[keep++].Message.Length;
        }
        _kept.RemoveRange(keep, _kept.Count - keep);
        _keptChars = chars;
    }
}
