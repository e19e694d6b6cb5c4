namespace CloudRuntimes.Host.Blocks;

/// <summary>
/// How many of something limited each component holds at once (a configuration store's subscriptions, a lock store's
/// waiting acquires), counted by component name; thread-safe.
/// </summary>
internal sealed class StoreSlots
{
    private readonly System.Threading.Lock _gate = new();
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>Takes one of <paramref name="store"/>'s <paramref name="limit"/> slots; give it back with <see cref="Release"/>.</summary>
    /// <param name="store">The component's name.</param>
    /// <param name="limit">Most slots the component may hold.</param>
    /// <param name="refusal">The error to throw when all are taken, given how many are.</param>
    /// <exception cref="CloudRuntimesException">What <paramref name="refusal"/> makes, when the component holds <paramref name="limit"/> slots.</exception>
    public void Take(string store, int limit, Func<int, CloudRuntimesException> refusal)
    {
        lock (_gate)
        {
            var count = _counts.GetValueOrDefault(store);
            if (count >= limit)
            {
                throw refusal(count);
            }
            _counts[store] = count + 1;
        }
    }

    /// <summary>Gives back a slot taken by <see cref="Take"/>.</summary>
    /// <param name="store">The component's name.</param>
    public void Release(string store)
    {
        lock (_gate)
        {
            if (--_counts[store] == 0)
            {
                _counts.Remove(store);
            }
        }
    }
}
