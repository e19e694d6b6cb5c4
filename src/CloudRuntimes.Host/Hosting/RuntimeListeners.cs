using System.Net;
using System.Net.NetworkInformation;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace CloudRuntimes.Host.Hosting;

/// <summary>
/// The server's two listeners on <c>--listen-address</c>: the HTTP API (<c>--dapr-http-port</c>) and the gRPC API
/// (<c>--dapr-grpc-port</c>). Kestrel writes the port it bound into each listener, so a port configured as 0 reads as
/// the one chosen once the server listens. Null ports: not listening (yet), or the composition runs without Kestrel.
/// </summary>
internal sealed class RuntimeListeners
{
    /// <summary>The HTTP API's listener.</summary>
    public ListenOptions? Http { get; set; }

    /// <summary>The gRPC API's listener (HTTP/2 cleartext).</summary>
    public ListenOptions? Grpc { get; set; }

    /// <summary>The HTTP API's port once bound.</summary>
    public int? HttpPort => PortOf(Http);

    /// <summary>The gRPC API's port once bound.</summary>
    public int? GrpcPort => PortOf(Grpc);

    /// <summary>
    /// Whether <paramref name="address"/> names one of these listeners: its port is the HTTP or gRPC API's and its host is a
    /// loopback name or address, the listen address, or (listening on every address) an address of this machine. A DNS
    /// name other than <c>localhost</c> is not resolved.
    /// </summary>
    public bool IsOwnAddress(Uri address)
    {
        if (address.Port != HttpPort && address.Port != GrpcPort)
        {
            return false;
        }
        if (Security.RequestPolicy.IsLoopbackHost(address.IdnHost))
        {
            return true;
        }
        if (!IPAddress.TryParse(address.IdnHost, out var host))
        {
            return false;
        }
        var listening = (Http?.EndPoint as IPEndPoint)?.Address;
        return host.Equals(listening)
            || ((IPAddress.Any.Equals(listening) || IPAddress.IPv6Any.Equals(listening))
                && NetworkInterface.GetAllNetworkInterfaces().Any(n => n.GetIPProperties().UnicastAddresses.Any(u => u.Address.Equals(host))));
    }

    private static int? PortOf(ListenOptions? listener) => listener?.EndPoint is IPEndPoint { Port: > 0 } endpoint ? endpoint.Port : null;
}
