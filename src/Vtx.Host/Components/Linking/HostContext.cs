using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Vtx.Host.Components.Wasi;
using Vtx.Protocol;

namespace Vtx.Host.Components.Linking;

/// <summary>
/// The host side of one plugin store: what host functions need while the plugin runs (its id, the sandbox limits, the
/// <c>sql</c> and <c>stream-io</c> ports of this call, the WASI state) and the deadline of the running call, which
/// blocking host calls (<c>pollable.block</c>) respect.
/// </summary>
internal sealed class HostContext(string pluginId, ISql sql, IStreamIo streamIo, VtxHostOptions options, ILogger logger, LogLimiter logLimiter) : IDisposable
{
    public string PluginId => pluginId;

    /// <summary>The <c>sql</c> port of the running call (set again when a pre-instantiated instance is handed a request).</summary>
    public ISql Sql { get; set; } = sql;

    /// <summary>The <c>stream-io</c> port of the running call.</summary>
    public IStreamIo StreamIo { get; set; } = streamIo;

    public VtxHostOptions Options => options;

    public ILogger Logger => logger;

    /// <summary>Bytes copied by <c>create-memory-buffer</c> so far.</summary>
    public long MemoryBufferBytes { get; set; }

    /// <summary>WASI 0.2 state of this store (streams, clocks, log limits).</summary>
    public WasiContext Wasi { get; } = new(pluginId, options, logger, logLimiter);

    /// <summary>The <see cref="Stopwatch"/> timestamp at which the running call must end.</summary>
    public long Deadline { get; set; } = long.MaxValue;

    /// <summary>The time left before <see cref="Deadline"/> (zero when past it).</summary>
    public TimeSpan Remaining => Deadline == long.MaxValue ? TimeSpan.MaxValue : TimeSpan.FromTicks(Math.Max(0, Deadline - Stopwatch.GetTimestamp()) * TimeSpan.TicksPerSecond / Stopwatch.Frequency);

    public void Dispose() => Wasi.Dispose();
}
