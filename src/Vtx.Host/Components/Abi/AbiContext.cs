using Vtx.Host.Components.Binary;

namespace Vtx.Host.Components.Abi;

/// <summary>
/// What lifting and lowering need on the component's side of a call (CanonicalABI.md, <c>LiftLowerContext</c>): the
/// memory and <c>realloc</c> of the canonical options, the string encoding, and the component instance's handle table.
/// The memory is resolved on first use, because a core module that imports its own lowered functions defines its memory
/// only when it is instantiated.
/// </summary>
internal sealed class AbiContext(Func<GuestMemory?> memory, StringEncoding encoding, HandleTable handles, object component, string pluginId)
{
    private GuestMemory? _memory;

    public StringEncoding Encoding => encoding;

    public HandleTable Handles => handles;

    /// <summary>The compiled component this context belongs to: a borrow of a resource it defines is passed as its rep.</summary>
    public object Component => component;

    public string PluginId => pluginId;

    /// <summary>The memory of the canonical options; an ABI violation when the options give none.</summary>
    public GuestMemory Memory => _memory ??= memory()
        ?? throw new VtxPluginException(VtxErrorCode.AbiViolation, $"Plugin '{pluginId}' broke the canonical ABI: a value that lives in memory crosses a function whose canonical options give no memory.", pluginId);
}

/// <summary>Reads flattened core values (each held as its bit pattern, zero-extended to 64 bits) in order.</summary>
internal ref struct FlatReader(ReadOnlySpan<ulong> values)
{
    private readonly ReadOnlySpan<ulong> _values = values;
    private int _next;

    public ulong Next() => _values[_next++];

    public void Skip(int count) => _next += count;
}

/// <summary>Appends flattened core values (bit patterns) in order.</summary>
internal ref struct FlatWriter(Span<ulong> values)
{
    private readonly Span<ulong> _values = values;

    public int Count { get; private set; }

    public void Add(ulong value) => _values[Count++] = value;
}
