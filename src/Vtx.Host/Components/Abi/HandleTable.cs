using Vtx.Host.Components.Types;

namespace Vtx.Host.Components.Abi;

/// <summary>
/// The handle table of one component instance (CanonicalABI.md, "Table State", "Resource State"): indices start at 1
/// (0 is never valid), freed slots are reused, and an unknown, dropped or wrongly typed handle is an error that traps the
/// call. Each entry holds its resource type, its representation (a host object, or a component's <c>int</c> rep) and
/// whether it owns the resource. Disposing the table disposes the host objects it still owns.
/// </summary>
internal sealed class HandleTable(int capacity, string pluginId) : IDisposable
{
    private readonly List<Entry> _slots = [default];
    private readonly Stack<int> _free = new();

    /// <summary>Number of live handles.</summary>
    public int Count { get; private set; }

    /// <summary>Number of live borrowed (non-owning) handles.</summary>
    public int BorrowCount { get; private set; }

    /// <summary>Adds a handle; gives its index.</summary>
    public int Insert(ResourceType type, object rep, bool own)
    {
        if (Count >= capacity)
        {
            if (own && type.IsHost)
            {
                (rep as IDisposable)?.Dispose();
            }

            throw new VtxPluginException(VtxErrorCode.ResourceLimit,
                $"Plugin '{pluginId}' holds more than {capacity} live {type.Name} handles.", pluginId);
        }

        Count++;
        BorrowCount += own ? 0 : 1;
        var entry = new Entry(type, rep, own);
        if (_free.TryPop(out var handle))
        {
            _slots[handle] = entry;
            return handle;
        }

        _slots.Add(entry);
        return _slots.Count - 1;
    }

    /// <summary>The representation behind a handle of <paramref name="type"/> (a borrow, or <c>resource.rep</c>).</summary>
    public object Get(int handle, ResourceType type, string what) => Find(handle, type, what).Rep!;

    /// <summary>Removes an owning handle the component hands over; the caller owns the representation.</summary>
    public object Take(int handle, ResourceType type, string what)
    {
        var entry = Find(handle, type, what);
        if (!entry.Own)
        {
            throw new VtxPluginException(VtxErrorCode.InvalidHandle,
                $"Plugin '{pluginId}' passed borrowed {type.Name} handle {handle} in {what}, which needs an owned handle.", pluginId);
        }

        Remove(handle, entry);
        return entry.Rep!;
    }

    /// <summary><c>resource.drop</c>: removes the handle; an owned host object is disposed, an owned component resource gets its destructor.</summary>
    public void Drop(int handle, ResourceType type, string what, Action<int>? destructor)
    {
        var entry = Find(handle, type, what);
        Remove(handle, entry);
        if (!entry.Own)
        {
            return;
        }

        if (entry.Rep is int rep)
        {
            destructor?.Invoke(rep);
        }
        else
        {
            (entry.Rep as IDisposable)?.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var entry in _slots)
        {
            if (entry.Own && entry.Type is { IsHost: true })
            {
                (entry.Rep as IDisposable)?.Dispose();
            }
        }

        _slots.Clear();
        _free.Clear();
        Count = 0;
        BorrowCount = 0;
    }

    private Entry Find(int handle, ResourceType type, string what)
    {
        if (handle <= 0 || handle >= _slots.Count || _slots[handle].Type is not { } actual)
        {
            throw new VtxPluginException(VtxErrorCode.InvalidHandle,
                $"Plugin '{pluginId}' used {type.Name} handle {handle} in {what}, but no such handle is live.", pluginId);
        }

        if (!ReferenceEquals(actual, type))
        {
            throw new VtxPluginException(VtxErrorCode.InvalidHandle,
                $"Plugin '{pluginId}' used handle {handle} of a {actual.Name} in {what}, which takes a {type.Name}.", pluginId);
        }

        return _slots[handle];
    }

    private void Remove(int handle, Entry entry)
    {
        _slots[handle] = default;
        _free.Push(handle);
        Count--;
        BorrowCount -= entry.Own ? 0 : 1;
    }

    private readonly record struct Entry(ResourceType? Type, object? Rep, bool Own);
}
