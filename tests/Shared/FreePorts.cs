using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Tests.Shared;

/// <summary>
/// Free TCP ports on 127.0.0.1 for a server a test starts later, in this process or another one, and must name the port
/// to before it binds (the runtime server, redis-server, PostgreSQL, a test app).
/// </summary>
/// <remarks>
/// Ports come from below the kernel's ephemeral range. A port the kernel chose (a probe bound to port 0) is one it also
/// gives to the local end of outgoing connections, so any connection opened between the probe and the server's bind can
/// take it, and the server fails with "address already in use": that happened with parallel test projects talking to
/// Redis and PostgreSQL. Outside the range only another listener can take a port. Each process walks the range from a
/// random place, so it hands out no port twice and two test processes rarely meet.
/// </remarks>
internal static class FreePorts
{
    private const int Lowest = 10_000;
    private static readonly int Count = EphemeralStart() - Lowest;
    private static int _offset = Random.Shared.Next(Math.Max(Count, 1));

    /// <summary>A port no socket was bound to when probed, not handed out before by this process.</summary>
    /// <exception cref="InvalidOperationException">When 1,000 ports in a row are taken.</exception>
    public static int Next()
    {
        if (Count < 1_000)
        {
            return KernelChosen();
        }
        for (var attempt = 0; attempt < 1_000; attempt++)
        {
            var port = Lowest + (int)((uint)Interlocked.Increment(ref _offset) % (uint)Count);
            if (IsFree(port))
            {
                return port;
            }
        }
        throw new InvalidOperationException($"no free port among 1,000 tried in {Lowest}-{Lowest + Count - 1}");
    }

    private static bool IsFree(int port)
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The first ephemeral port: Linux's <c>ip_local_port_range</c>, else 49152 (Windows, macOS; RFC 6335).</summary>
    private static int EphemeralStart()
    {
        const string Range = "/proc/sys/net/ipv4/ip_local_port_range";
        return File.Exists(Range)
            && int.TryParse(File.ReadAllText(Range).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            ? first
            : 49_152;
    }

    private static int KernelChosen()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
