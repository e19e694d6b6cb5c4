using CloudRuntimes.State;

namespace CloudRuntimes.Components.State;

/// <summary>
/// The bytes of stored values a bounded bulk read may hold (<see cref="GetStateOptions.MaxValueBytes"/>), counted by a
/// back end as it reads, so that a read asking for too much stops before the rest is read; also the bytes a state query
/// holds while it picks its page (<see cref="StateQuery.MaxValueBytes"/>), which it gives back as it lets items go.
/// </summary>
public sealed class StateReadBudget
{
    private readonly string _componentName;
    private readonly long _limit;
    private long _used;

    internal StateReadBudget(string componentName, long limit)
    {
        _componentName = componentName;
        _limit = limit;
    }

    /// <summary>Counts <paramref name="bytes"/> more bytes of values.</summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ResponseTooLarge"/> once the total passes the limit.</exception>
    public void Add(long bytes)
    {
        _used += bytes;
        if (_used > _limit)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.ResponseTooLarge, $"state store {_componentName}: the values asked for pass {_limit} bytes");
        }
    }

    /// <summary>Gives back <paramref name="bytes"/> counted before and no longer held.</summary>
    internal void Release(long bytes) => _used -= bytes;
}
