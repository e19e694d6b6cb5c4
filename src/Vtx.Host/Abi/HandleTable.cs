using Vtx.Protocol;

namespace Vtx.Host.Abi;

/// <summary>
/// The per-instance table of <c>buffer</c> resource handles (CanonicalABI.md, "Handle types"):
/// indices start at 1 (0 is never valid), freed slots are reused, and an unknown or dropped
/// handle is an error that traps the call. Disposing the table disposes every buffer left in it.
/// </summary>
internal sealed class HandleTable(int capacity, string pluginId) : IDisposable
{
    private readonly List<VtxBuffer?> _slots = [null];
    private readonly Stack<int> _free = new();

    /// <summary>Number of live handles.</summary>
    public int Count { get; private set; }

    /// <summary>Inserts an owned buffer; gives its handle.</summary>
    public int Insert(VtxBuffer buffer)
    {
        if (Count >= capacity)
        {
            buffer.Dispose();
            throw new VtxPluginException(VtxErrorCode.ResourceLimit,
                $"Plugin '{pluginId}' holds more than {capacity} live buffer handles.", pluginId);
        }

        Count++;
        if (_free.TryPop(out var handle))
        {
            _slots[handle] = buffer;
            return handle;
        }

        _slots.Add(buffer);
        return _slots.Count - 1;
    }

    /// <summary>Looks up a <c>borrow&lt;buffer&gt;</c>.</summary>
    public VtxBuffer Get(int handle, string operation) =>
        handle > 0 && handle < _slots.Count && _slots[handle] is { } buffer ? buffer : throw Unknown(handle, operation);

    /// <summary>Removes an <c>own&lt;buffer&gt;</c> handed over by the plugin; the caller owns the buffer.</summary>
    public VtxBuffer Take(int handle, string operation)
    {
        var buffer = Get(handle, operation);
        _slots[handle] = null;
        _free.Push(handle);
        Count--;
        return buffer;
    }

    /// <summary><c>[resource-drop]buffer</c>: removes and disposes.</summary>
    public void Drop(int handle) => Take(handle, "[resource-drop]buffer").Dispose();

    public void Dispose()
    {
        foreach (var buffer in _slots)
        {
            buffer?.Dispose();
        }

        _slots.Clear();
        Count = 0;
    }

    private VtxPluginException Unknown(int handle, string operation) =>
        new(VtxErrorCode.InvalidHandle, $"Plugin '{pluginId}' used buffer handle {handle} in {operation}, but no such handle is live.", pluginId);
}
