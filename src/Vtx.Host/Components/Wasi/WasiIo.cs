using Vtx.Host.Components.Linking;
using Vtx.Host.Components.Types;

namespace Vtx.Host.Components.Wasi;

/// <summary><c>wasi:io</c> 0.2: <c>error</c>, <c>poll</c> and <c>streams</c> over the host's stream and pollable objects.</summary>
internal static class WasiIo
{
    public static readonly WitVariant Closed = WitVariant.Err(new WitVariant("closed"));

    public static IEnumerable<HostInterface> Create() =>
    [
        new HostInterface("wasi:io/error", WasiInterfaces.Version)
            .Resource(WasiResources.Error)
            .Function("[method]error.to-debug-string", (_, a) => ((WasiError)a[0]!).Message),
        new HostInterface("wasi:io/poll", WasiInterfaces.Version)
            .Resource(WasiResources.Pollable)
            .Function("[method]pollable.ready", (_, a) => ((Pollable)a[0]!).IsReady)
            .Function("[method]pollable.block", (host, a) =>
            {
                ((Pollable)a[0]!).Block(host);
                return null;
            })
            .Function("poll", (host, a) => Poll(host, (object?[])a[0]!)),
        new HostInterface("wasi:io/streams", WasiInterfaces.Version)
            .Resource(WasiResources.InputStream)
            .Resource(WasiResources.OutputStream)
            .Resource(WasiResources.Error)
            .Resource(WasiResources.Pollable)
            .Function("[method]input-stream.read", (_, a) => Read(a))
            .Function("[method]input-stream.blocking-read", (_, a) => Read(a))
            .Function("[method]input-stream.skip", (_, a) => Skip(a))
            .Function("[method]input-stream.blocking-skip", (_, a) => Skip(a))
            .Function("[method]input-stream.subscribe", (_, _) => Pollable.Ready)
            .Function("[method]output-stream.check-write", (_, a) => WitVariant.Ok(((OutputStream)a[0]!).Capacity))
            .Function("[method]output-stream.write", (_, a) => Write(a, flush: false))
            .Function("[method]output-stream.blocking-write-and-flush", (_, a) => Write(a, flush: true))
            .Function("[method]output-stream.flush", (_, a) => Flush(a))
            .Function("[method]output-stream.blocking-flush", (_, a) => Flush(a))
            .Function("[method]output-stream.subscribe", (_, _) => Pollable.Ready)
            .Function("[method]output-stream.write-zeroes", (_, a) => WriteZeroes(a, flush: false))
            .Function("[method]output-stream.blocking-write-zeroes-and-flush", (_, a) => WriteZeroes(a, flush: true))
            .Function("[method]output-stream.splice", (_, a) => Splice(a))
            .Function("[method]output-stream.blocking-splice", (_, a) => Splice(a)),
    ];

    /// <summary><c>poll</c>: waits (within the call's deadline) until one pollable is ready; gives the indices of the ready ones.</summary>
    private static object?[] Poll(HostContext host, object?[] pollables)
    {
        if (pollables.Length == 0)
        {
            throw new VtxPluginException(VtxErrorCode.Trap, $"Plugin '{host.PluginId}' called wasi:io/poll.poll with an empty list.", host.PluginId);
        }

        var all = pollables.Cast<Pollable>().ToArray();
        Pollable.WaitUntil(host, all.Min(p => p.ReadyAt));
        return all.Select((p, i) => (p, i)).Where(x => x.p.IsReady).Select(x => (object?)(uint)x.i).ToArray();
    }

    private static WitVariant Read(object?[] a) =>
        ((InputStream)a[0]!).Read((ulong)a[1]!) is { } bytes ? WitVariant.Ok(bytes) : Closed;

    private static WitVariant Skip(object?[] a) =>
        ((InputStream)a[0]!).Read((ulong)a[1]!) is { } bytes ? WitVariant.Ok((ulong)bytes.Length) : Closed;

    private static WitVariant Write(object?[] a, bool flush)
    {
        var stream = (OutputStream)a[0]!;
        if (!stream.Write((byte[])a[1]!))
        {
            return Closed;
        }

        if (flush)
        {
            stream.Flush();
        }

        return WitVariant.Ok();
    }

    private static WitVariant Flush(object?[] a)
    {
        ((OutputStream)a[0]!).Flush();
        return WitVariant.Ok();
    }

    private static WitVariant WriteZeroes(object?[] a, bool flush)
    {
        var stream = (OutputStream)a[0]!;
        var zeroes = new byte[Math.Min((ulong)a[1]!, stream.Capacity)];
        return Write([stream, zeroes], flush);
    }

    private static WitVariant Splice(object?[] a)
    {
        var output = (OutputStream)a[0]!;
        var bytes = ((InputStream)a[1]!).Read(Math.Min((ulong)a[2]!, output.Capacity));
        return bytes is null ? Closed : output.Write(bytes) ? WitVariant.Ok((ulong)bytes.Length) : Closed;
    }
}
