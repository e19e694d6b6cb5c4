using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// HTTP/1.1 over a plain socket, for requests that <see cref="HttpClient"/> would normalise (a backslash or <c>//</c>
/// in the path, any <c>Host</c>): the request line and headers go out exactly as written.
/// </summary>
internal static class RawHttp
{
    /// <summary>Sends one request and returns the status code and the body (the connection is closed after it).</summary>
    public static async Task<(int Status, string Body)> SendAsync(Uri endpoint, string method, string target, string? host = null, IReadOnlyDictionary<string, string>? headers = null, string body = "")
    {
        using var client = new TcpClient();
        await client.ConnectAsync(endpoint.Host, endpoint.Port);
        var request = new StringBuilder()
            .Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(host ?? endpoint.Authority).Append("\r\n")
            .Append("Connection: close\r\n")
            .Append("Content-Length: ").Append(Encoding.UTF8.GetByteCount(body)).Append("\r\n");
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Append(name).Append(": ").Append(value).Append("\r\n");
        }
        request.Append("\r\n").Append(body);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync();
        var status = int.Parse(response.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        var separator = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return (status, separator < 0 ? "" : response[(separator + 4)..]);
    }
}

/// <summary>A TCP port that counts the connections made to it: where no request of the runtime may ever arrive.</summary>
internal sealed class TrapListener : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private int _connections;

    public TrapListener()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Connections => Volatile.Read(ref _connections);

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                using var socket = await _listener.AcceptSocketAsync();
                Interlocked.Increment(ref _connections);
            }
        }
        catch (ObjectDisposedException)
        {
        }
        catch (SocketException)
        {
        }
    }

    public void Dispose() => _listener.Stop();
}
