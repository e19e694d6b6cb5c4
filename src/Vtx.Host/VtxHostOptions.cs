namespace Vtx.Host;

/// <summary>
/// Sandbox limits and settings of the VTX host. The reference host (vtx-core) only limits memory;
/// these add wall-clock deadlines and bounds on every size a plugin controls.
/// </summary>
public sealed class VtxHostOptions
{
    /// <summary>Largest linear memory a plugin instance may grow to, in bytes. Default 100 MiB (vtx-core's <c>max_memory_mb</c>).</summary>
    public long MaxMemoryBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>Wall-clock budget of one <c>handle</c> call, instantiation included. Default 5 s.</summary>
    public TimeSpan HandleTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Wall-clock budget of one <c>authenticate</c> call. Default 1 s.</summary>
    public TimeSpan AuthenticateTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Wall-clock budget of each load-time call (<c>get-manifest</c>, <c>get-resources</c>, <c>get-migrations</c>). Default 30 s.</summary>
    public TimeSpan LoadTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most bytes one <c>[method]buffer.read</c> returns, in bytes. Default 16 MiB (vtx-core's <c>max_buffer_read_mb</c>).</summary>
    public long MaxBufferReadBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>Most bytes all <c>create-memory-buffer</c> calls of one instance may copy, in bytes. Default 64 MiB.</summary>
    public long MaxMemoryBufferBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Most <c>buffer</c> handles alive at once in one instance. Default 1024.</summary>
    public int MaxLiveHandles { get; set; } = 1024;

    /// <summary>
    /// Instances kept instantiated ahead of requests for a heavy plugin (one whose instantiation takes at least
    /// <see cref="InstancePoolThreshold"/>, e.g. a JavaScript or Python component carrying its interpreter). Each request
    /// still gets an instance no other request used; the pool only moves instantiation off the request's path.
    /// 0 turns pooling off. Default 2.
    /// </summary>
    public int InstancePoolSize { get; set; } = 2;

    /// <summary>The instantiation time (measured when the plugin loads) from which a plugin gets an instance pool. Default 1 ms.</summary>
    public TimeSpan InstancePoolThreshold { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// Slots of Wasmtime's pooling allocator: the most core instances (and as many memories and tables) alive at once
    /// across all plugins of this host. Slots are reused, so instantiating and dropping an instance maps no memory
    /// (several times cheaper), and with <see cref="ResidentBytesPerMemory"/> a reused memory's pages need no page
    /// faults. An instantiation past the limit fails that call. The pool reserves address space and kernel memory maps
    /// up front (about 4 GiB of address space per slot, roughly 2,000 maps per host whatever the size), so a process
    /// should run few hosts with it: the runtime server and <c>vtx-host</c> turn it on with 100. 0 (default) keeps
    /// Wasmtime's on-demand allocator.
    /// </summary>
    public int PoolingAllocatorSlots { get; set; }

    /// <summary>
    /// With the pooling allocator (<see cref="PoolingAllocatorSlots"/>), bytes of each memory slot kept resident when its instance ends (reset with memset
    /// rather than unmapped), so the next instance's first call does not fault its pages in again. Default 16 MiB.
    /// </summary>
    public long ResidentBytesPerMemory { get; set; } = 16L * 1024 * 1024;

    /// <summary>Most bytes of stdout and stderr one instance may write to the host log; the rest is dropped with one warning. Default 64 KiB.</summary>
    public long MaxLogBytesPerInstance { get; set; } = 64L * 1024;

    /// <summary>Most stdout and stderr lines one plugin may log per second, across its instances; the rest are dropped and counted. Default 100.</summary>
    public int MaxLogLinesPerSecond { get; set; } = 100;

    /// <summary>
    /// Hosts a plugin may reach with WASI outgoing HTTP (<c>wasi:http/outgoing-handler</c>), as <c>host</c> or
    /// <c>host:port</c>; any other request is refused with <c>HTTP-request-denied</c>. Empty (default): no outgoing HTTP.
    /// </summary>
    public IList<string> AllowedHttpHosts { get; } = [];

    /// <summary>Largest response body an outgoing HTTP request may bring back, in bytes. Default 16 MiB.</summary>
    public long MaxHttpResponseBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>
    /// Folder for compiled modules (<c>Module.Serialize</c> output with a SHA-256 checksum, named by the SHA-256 of the
    /// core module, the Wasmtime release and the engine settings), so that a restart skips compilation; a damaged or
    /// foreign file is ignored and replaced. <see langword="null"/> (default) keeps the cache in memory only.
    /// </summary>
    public string? ModuleCacheDirectory { get; set; }
}
