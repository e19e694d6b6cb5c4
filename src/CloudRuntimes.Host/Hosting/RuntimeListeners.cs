using System.Net;
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

    private static int? PortOf(ListenOptions? listener) => listener?.EndPoint is IPEndPoint { Port: > 0 } endpoint ? endpoint.Port : null;
}
