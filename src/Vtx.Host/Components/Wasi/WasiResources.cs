using System.Diagnostics;
using Vtx.Host.Components.Linking;
using Vtx.Host.Components.Types;

namespace Vtx.Host.Components.Wasi;

/// <summary>The resource types of WASI 0.2 as the host implements them, each backed by a .NET class below.</summary>
internal static class WasiResources
{
    public static readonly ResourceType Error = ResourceType.Host<WasiError>("error");
    public static readonly ResourceType Pollable = ResourceType.Host<Pollable>("pollable");
    public static readonly ResourceType InputStream = ResourceType.Host<InputStream>("input-stream");
    public static readonly ResourceType OutputStream = ResourceType.Host<OutputStream>("output-stream");
    public static readonly ResourceType TerminalInput = ResourceType.Host<NoTerminal>("terminal-input");
    public static readonly ResourceType TerminalOutput = ResourceType.Host<NoTerminal>("terminal-output");
    public static readonly ResourceType Descriptor = ResourceType.Host<NoDescriptor>("descriptor");
    public static readonly ResourceType DirectoryEntryStream = ResourceType.Host<NoDescriptor>("directory-entry-stream");
}

/// <summary><c>wasi:io/error.error</c>: a message for <c>to-debug-string</c>.</summary>
internal sealed class WasiError(string message)
{
    public string Message => message;
}

/// <summary><c>wasi:io/poll.pollable</c>: ready now, or at a monotonic-clock instant.</summary>
internal sealed class Pollable(long readyAt)
{
    public static Pollable Ready { get; } = new(0);

    /// <summary>The <see cref="Stopwatch"/> timestamp at which it becomes ready.</summary>
    public long ReadyAt => readyAt;

    public bool IsReady => Stopwatch.GetTimestamp() >= readyAt;

    /// <summary>Waits until ready, but not past the running call's deadline (then the call times out).</summary>
    public void Block(HostContext host) => WaitUntil(host, readyAt);

    public static void WaitUntil(HostContext host, long timestamp)
    {
        var wait = timestamp - Stopwatch.GetTimestamp();
        if (wait <= 0)
        {
            return;
        }

        var duration = TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency);
        if (duration > host.Remaining)
        {
            Thread.Sleep(host.Remaining);
            throw new VtxPluginException(VtxErrorCode.Timeout, $"Plugin '{host.PluginId}' waited on a pollable past its call's deadline and was stopped.", host.PluginId);
        }

        Thread.Sleep(duration);
    }
}

/// <summary><c>wasi:io/streams.input-stream</c>: bytes to read, then closed.</summary>
internal class InputStream(byte[] data)
{
    private int _position;

    public static InputStream Empty() => new([]);

    /// <summary>Up to <paramref name="length"/> bytes; null when the stream is closed (all read).</summary>
    public byte[]? Read(ulong length)
    {
        if (_position >= data.Length && length > 0)
        {
            return null;
        }

        var count = (int)Math.Min(length, (ulong)(data.Length - _position));
        var bytes = data.AsSpan(_position, count).ToArray();
        _position += count;
        return bytes;
    }
}

/// <summary><c>wasi:io/streams.output-stream</c>: where written bytes go. Disposing it (dropping the handle, or the end of the instance) closes it.</summary>
internal abstract class OutputStream : IDisposable
{
    /// <summary>How many bytes a write may take now.</summary>
    public virtual ulong Capacity => 1 << 20;

    /// <summary>Writes bytes; false when the stream is closed.</summary>
    public abstract bool Write(ReadOnlySpan<byte> bytes);

    /// <summary>Passes what was written on (WASI <c>flush</c>); nothing to do for the host's streams.</summary>
    public virtual void Flush()
    {
    }

    public void Dispose()
    {
        Close();
        GC.SuppressFinalize(this);
    }

    protected virtual void Close()
    {
    }
}

/// <summary>Resources that never exist in this sandbox (no terminals, no preopened directories): their methods cannot be reached.</summary>
internal sealed class NoTerminal;

/// <summary>A filesystem descriptor; none is ever handed out (no preopens).</summary>
internal sealed class NoDescriptor;
