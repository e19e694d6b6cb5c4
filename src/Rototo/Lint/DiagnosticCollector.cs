namespace Rototo.Lint;

/// <summary>
/// Receives every diagnostic lint reports, counts those it selects by severity and keeps only the first
/// <c>capacity</c> of them in rototo's order (<see cref="DiagnosticOrder"/>, or the order it is given), and only as many
/// of those as have at most <see cref="MaxKeptMessageChars"/> (or the bound it is given) of messages: a legal workspace can raise millions of diagnostics (about 600 bytes
/// each), custom lint messages can be megabytes each, and a report or a load needs at most a screenful of them plus the
/// counts.
/// </summary>
/// <remarks>
/// rototo's order is by location and stages report in stage order, so which diagnostics come first is only known when
/// lint ends. The collector holds at most <c>2 × capacity</c> diagnostics and twice its bound on characters of messages:
/// when either is reached it sorts them and drops all but the first that fit both bounds. Until
/// then it holds them in report order and sorts once at the end, as lint always did, so a report within the bounds is
/// exactly what it was.
/// </remarks>
internal sealed class DiagnosticCollector : IDiagnosticSink
{
    private readonly Func<LintDiagnostic, bool>? _selects;
    private readonly Comparison<LintDiagnostic> _order;
    private int _capacity;
    private long _maxChars;
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
    /// <param name="order">Which diagnostics come first, and the order <see cref="Sorted"/> returns; null for rototo's order (<see cref="DiagnosticOrder.Compare"/>).</param>
    /// <param name="maxChars">Most characters of messages kept, 0 or more; null for <see cref="MaxKeptMessageChars"/>.</param>
    public DiagnosticCollector(int capacity, Func<LintDiagnostic, bool>? selects = null, Comparison<LintDiagnostic>? order = null, long? maxChars = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _capacity = capacity;
        _selects = selects;
        _order = order ?? DiagnosticOrder.Compare;
        _maxChars = maxChars ?? MaxKeptMessageChars;
        ArgumentOutOfRangeException.ThrowIfNegative(_maxChars, nameof(maxChars));
    }

    /// <summary>Diagnostics held now: at most twice the capacity while lint runs, at most the capacity once sorted or lowered.</summary>
    public int Held => _kept.Count;

    /// <summary>Characters of the messages held now.</summary>
    public long HeldChars => _keptChars;

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
        if (_kept.Count >= 2L * _capacity || _keptChars >= 2 * _maxChars)
        {
            KeepFirst();
        }
    }

    /// <summary>
    /// Lowers the bounds (a bound above the current one leaves it) and drops at once all but the first diagnostics that
    /// fit them: those dropped can no longer be among the first, whatever is reported later.
    /// </summary>
    /// <param name="capacity">Most diagnostics kept from now on, 0 or more.</param>
    /// <param name="maxChars">Most characters of messages kept from now on, 0 or more.</param>
    public void Lower(int capacity, long maxChars)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        ArgumentOutOfRangeException.ThrowIfNegative(maxChars);
        _capacity = Math.Min(_capacity, capacity);
        _maxChars = Math.Min(_maxChars, maxChars);
        KeepFirst();
    }

    /// <summary>The kept diagnostics, sorted in the collector's order: the first <c>capacity</c> of all selected, fewer when their messages would pass the bound on characters.</summary>
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
        _kept.Sort(_order);
        var keep = 0;
        long chars = 0;
        while (keep < Math.Min(_kept.Count, _capacity) && chars + _kept[keep].Message.Length <= _maxChars)
        {
            chars += _kept[keep++].Message.Length;
        }
        _kept.RemoveRange(keep, _kept.Count - keep);
        _keptChars = chars;
    }
}
