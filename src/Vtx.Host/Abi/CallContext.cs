using Vtx.Protocol;

namespace Vtx.Host.Abi;

/// <summary>The data of one plugin store: what host imports need while the plugin runs.</summary>
internal sealed class CallContext(string pluginId, ISql sql, IStreamIo streamIo, VtxHostOptions options) : IDisposable
{
    public string PluginId { get; } = pluginId;

    public ISql Sql { get; } = sql;

    public IStreamIo StreamIo { get; } = streamIo;

    public VtxHostOptions Options { get; } = options;

    public HandleTable Handles { get; } = new(options.MaxLiveHandles, pluginId);

    /// <summary>Set right after instantiation, before any guest code runs.</summary>
    public GuestMemory Memory { get; set; } = null!;

    /// <summary>Bytes copied by <c>create-memory-buffer</c> so far.</summary>
    public long MemoryBufferBytes { get; set; }

    public void Dispose() => Handles.Dispose();
}
