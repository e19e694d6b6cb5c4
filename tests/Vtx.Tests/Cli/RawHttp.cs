using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Vtx.Tests.Cli;

/// <summary>
/// One HTTP/1.1 exchange over a plain socket, so that the request target goes out byte for byte as written
/// (<see cref="HttpClient"/> and <see cref="Uri"/> normalise paths and escapes).
/// </summary>
internal static class RawHttp
{
    /// <summary>Sends <c>METHOD TARGET HTTP/1.1</c> with <c>Connection: close</c> and reads the answer until the server closes.</summary>
    public static async Task<RawResponse> SendAsync(int port, string method, string target, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"), timeout.Token);
        using var received = new MemoryStream();
        await stream.CopyToAsync(received, timeout.Token);
        return RawResponse.Parse(received.ToArray());
    }
}

/// <summary>A parsed HTTP/1.1 response: status, headers (names lower-case) and the body (chunked encoding removed).</summary>
internal sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public static RawResponse Parse(byte[] bytes)
    {
        var end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        Assert.True(end > 0, "No complete response head: " + Encoding.ASCII.GetString(bytes));
        var lines = Encoding.ASCII.GetString(bytes, 0, end).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(line => line.Split(':', 2)).ToDictionary(h => h[0].Trim().ToLowerInvariant(), h => h[1].Trim());
        var body = bytes[(end + 4)..];
        return new RawResponse(status, headers, headers.GetValueOrDefault("transfer-encoding") == "chunked" ? Unchunk(body) : body);
    }

    private static byte[] Unchunk(byte[] chunked)
    {
        var body = new List<byte>();
        var at = 0;
        while (true)
        {
            var lineEnd = chunked.AsSpan(at).IndexOf("\r\n"u8) + at;
            var size = Convert.ToInt32(Encoding.ASCII.GetString(chunked, at, lineEnd - at).Split(';')[0], 16);
            if (size == 0)
            {
                return [.. body];
            }

            body.AddRange(chunked.AsSpan(lineEnd + 2, size));
            at = lineEnd + 2 + size + 2;
        }
    }
}
