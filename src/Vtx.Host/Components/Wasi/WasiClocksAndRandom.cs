using System.Diagnostics;
using System.Security.Cryptography;
using Vtx.Host.Components.Linking;
using Vtx.Host.Components.Types;

namespace Vtx.Host.Components.Wasi;

/// <summary>
/// <c>wasi:clocks</c> 0.2 (monotonic clock in nanoseconds of <see cref="Stopwatch"/>, wall clock in UTC; timers are
/// pollables) and <c>wasi:random</c> 0.2 (cryptographic bytes from <see cref="RandomNumberGenerator"/>, insecure ones
/// from <see cref="Random.Shared"/>). Random byte requests are bounded like buffer reads.
/// </summary>
internal static class WasiClocksAndRandom
{
    private static readonly double NanosecondsPerTimestamp = 1e9 / Stopwatch.Frequency;

    public static IEnumerable<HostInterface> Create() =>
    [
        new HostInterface("wasi:clocks/monotonic-clock", WasiInterfaces.Version)
            .Resource(WasiResources.Pollable)
            .Function("now", (_, _) => (ulong)(Stopwatch.GetTimestamp() * NanosecondsPerTimestamp))
            .Function("resolution", (_, _) => (ulong)Math.Max(1, Math.Ceiling(NanosecondsPerTimestamp)))
            .Function("subscribe-instant", (_, a) => new Pollable(TimestampAt((ulong)a[0]!)))
            .Function("subscribe-duration", (_, a) => new Pollable(TimestampAt((ulong)(Stopwatch.GetTimestamp() * NanosecondsPerTimestamp) + (ulong)a[0]!))),
        new HostInterface("wasi:clocks/wall-clock", WasiInterfaces.Version)
            .Function("now", (_, _) => DateTime((DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks))
            .Function("resolution", (_, _) => DateTime(1)),
        new HostInterface("wasi:random/random", WasiInterfaces.Version)
            .Function("get-random-bytes", (host, a) => RandomNumberGenerator.GetBytes(Length(host, (ulong)a[0]!)))
            .Function("get-random-u64", (_, _) => BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8))),
        new HostInterface("wasi:random/insecure", WasiInterfaces.Version)
            .Function("get-insecure-random-bytes", (host, a) => InsecureBytes(Length(host, (ulong)a[0]!)))
            .Function("get-insecure-random-u64", (_, _) => (ulong)Random.Shared.NextInt64()),
        new HostInterface("wasi:random/insecure-seed", WasiInterfaces.Version)
            .Function("insecure-seed", (_, _) => new object?[] { (ulong)Random.Shared.NextInt64(), (ulong)Random.Shared.NextInt64() }),
    ];

    /// <summary>The <see cref="Stopwatch"/> timestamp of a monotonic-clock instant in nanoseconds.</summary>
    private static long TimestampAt(ulong nanoseconds) => nanoseconds >= long.MaxValue / 2 ? long.MaxValue : (long)(nanoseconds / NanosecondsPerTimestamp);

    /// <summary>A <c>datetime</c> record from 100-nanosecond ticks.</summary>
    private static object?[] DateTime(long ticks) => [(ulong)(ticks / TimeSpan.TicksPerSecond), (uint)(ticks % TimeSpan.TicksPerSecond * 100)];

    private static int Length(HostContext host, ulong length) => length <= (ulong)host.Options.MaxBufferReadBytes
        ? (int)length
        : throw new VtxPluginException(VtxErrorCode.ResourceLimit, $"Plugin '{host.PluginId}' asked wasi:random for {length} bytes, more than the host's limit of {host.Options.MaxBufferReadBytes}.", host.PluginId);

    private static byte[] InsecureBytes(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }
}
