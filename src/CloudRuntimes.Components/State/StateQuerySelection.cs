using CloudRuntimes.State;

namespace CloudRuntimes.Components.State;

/// <summary>
/// The page of a state query picked from its matching items as they are read, holding only what the page needs: the
/// items ranked before the page (<c>offset</c> of them, the page token) as key and sort values, and the page itself
/// plus one (to tell whether another page follows) with their values. An item ranked past those is dropped at once.
/// Without a limit the page holds every match after the offset. The bytes held (keys and sort values as UTF-16 text, the
/// page's values) are counted in a <see cref="StateReadBudget"/>, so a query that would hold too much fails early.
/// </summary>
internal sealed class StateQuerySelection
{
    private readonly int _offset;
    private readonly int? _limit;
    private readonly bool _bySort;
    private readonly Func<string, StoredState?>? _reload;
    private readonly StateReadBudget? _budget;
    private readonly PriorityQueue<Candidate, Candidate> _before;
    private readonly PriorityQueue<Candidate, Candidate> _page;
    private readonly IComparer<Candidate> _order;
    private int _skipped;

    /// <param name="offset">Items ranked before the page.</param>
    /// <param name="limit">Most items in the page; null for all.</param>
    /// <param name="order">The items' order (sort values, then key).</param>
    /// <param name="inKeyOrder">True when the items come in <paramref name="order"/> already (key order, no sort keys): the items before the page are only counted.</param>
    /// <param name="reload">Reads a record again (<see cref="StateQueryScan.Reload"/>); null to hold the records of the items before the page.</param>
    /// <param name="budget">Counts the bytes held; null for no bound.</param>
    public StateQuerySelection(int offset, int? limit, IComparer<Candidate> order, bool inKeyOrder, Func<string, StoredState?>? reload, StateReadBudget? budget)
    {
        _offset = offset;
        _limit = limit;
        _order = order;
        _bySort = !inKeyOrder;
        _reload = reload;
        _budget = budget;
        // Both queues put their last-ranked item first, the one to move out (into the page, or out of it).
        var last = Comparer<Candidate>.Create((a, b) => order.Compare(b, a));
        _before = new PriorityQueue<Candidate, Candidate>(last);
        _page = new PriorityQueue<Candidate, Candidate>(last);
    }

    /// <summary>Takes a matching item.</summary>
    /// <returns>False when no later item can change the page (items in order and the page full): the read may stop.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ResponseTooLarge"/> from the budget.</exception>
    public bool Add(Candidate item)
    {
        if (!_bySort)
        {
            if (_skipped < _offset)
            {
                _skipped++;
                return true;
            }
        }
        else if (_offset > 0)
        {
            if (_before.Count < _offset)
            {
                Hold(_before, item.WithoutValue(_reload is not null), withValue: false);
                return true;
            }
            if (_order.Compare(item, _before.Peek()) >= 0)
            {
                return AddToPage(item);
            }
            var moved = Release(_before, withValue: false);
            Hold(_before, item.WithoutValue(_reload is not null), withValue: false);
            item = moved.State is null ? moved with { State = _reload!(moved.Key) ?? throw new InvalidOperationException($"record {moved.Key} is gone from the query's snapshot") } : moved;
        }
        return AddToPage(item);
    }

    /// <summary>The page, in order, and whether another page follows.</summary>
    public (List<Candidate> Page, bool More) Result()
    {
        var items = _page.UnorderedItems.Select(entry => entry.Element).ToList();
        items.Sort(_order);
        return _limit is { } limit && items.Count > limit ? (items[..limit], true) : (items, false);
    }

    /// <summary>Puts an item in the page; when the page (plus one) is full, the last-ranked of it and the page's items goes first, so the page never holds more.</summary>
    private bool AddToPage(Candidate item)
    {
        if (_limit is { } limit && _page.Count > limit)
        {
            if (_order.Compare(item, _page.Peek()) > 0)
            {
                return true;
            }
            Release(_page, withValue: true);
        }
        Hold(_page, item, withValue: true);
        return _bySort || _limit is not { } full || _page.Count <= full;
    }

    /// <summary>Queues an item, counting its key and sort values, and its value when <paramref name="withValue"/> (in the page; a record held before the page is the store's own, not a copy).</summary>
    private void Hold(PriorityQueue<Candidate, Candidate> queue, Candidate item, bool withValue)
    {
        _budget?.Add(item.HeldBytes(withValue));
        queue.Enqueue(item, item);
    }

    private Candidate Release(PriorityQueue<Candidate, Candidate> queue, bool withValue)
    {
        var item = queue.Dequeue();
        _budget?.Release(item.HeldBytes(withValue));
        return item;
    }

    /// <summary>A matching item.</summary>
    /// <param name="Key">Its key.</param>
    /// <param name="SortValues">Its values at the sort paths, null where missing.</param>
    /// <param name="State">Its record; null while it is ranked before the page and can be read again.</param>
    public sealed record Candidate(string Key, StateQueryValues.SortValue?[] SortValues, StoredState? State)
    {
        /// <summary>
        /// What an item costs besides its strings and value: the candidate, its sort values and their array, and its queue
        /// slot, about 300 bytes measured with one sort key (counted, or a deep sorted page would hold 15 times the limit).
        /// </summary>
        private const long ObjectBytes = 300;

        /// <summary>The bytes it holds: its objects, its key (UTF-16), its sort values (UTF-16) and, when <paramref name="withValue"/>, its value.</summary>
        public long HeldBytes(bool withValue) =>
            ObjectBytes + (2L * Key.Length) + SortValues.Sum(v => v?.Bytes ?? 0) + (withValue ? State?.Value.Length ?? 0 : 0);

        /// <summary>As ranked before the page: without its record when it can be read again.</summary>
        public Candidate WithoutValue(bool canReload) => canReload ? this with { State = null } : this;
    }
}
