using System.Net.Sockets;
using System.Text;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// The connection limit (<c>--max-connections</c>, docs/security.md) against the real server process: each listener
/// (the HTTP API, the gRPC API) holds at most that many connections; one more is closed on accept without an answer,
/// and the connections already open keep being served.
/// </summary>
public sealed class ConnectionLimitTests
{
    private static readonly byte[] Healthz = "GET /v1.0/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"u8.ToArray();

    /// <summary>The HTTP/2 client connection preface, which a gRPC listener answers with its SETTINGS frame.</summary>
    private static readonly byte[] Http2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    [Fact]
    public async Task Connections_over_the_limit_are_closed_and_the_open_ones_still_answer()
    {
        var data = TempFolders.New("cr-e2e-connections-");
        await using var server = ServerProcess.Start(data, null, "--max-connections", "2");
        using var first = await FirstConnectionAsync(server);
        using var second = await ConnectAsync(server.Endpoint.Port);
        Assert.StartsWith("HTTP/1.1 204 No Content\r\n", await FirstBytesAsync(first, Healthz));
        Assert.StartsWith("HTTP/1.1 204 No Content\r\n", await FirstBytesAsync(second, Healthz));
        using var overHttp = await ConnectAsync(server.Endpoint.Port);
        Assert.Null(await FirstBytesAsync(overHttp, Healthz));

        using var grpcFirst = await ConnectAsync(server.GrpcEndpoint.Port);
        using var grpcSecond = await ConnectAsync(server.GrpcEndpoint.Port);
        Assert.NotNull(await FirstBytesAsync(grpcFirst, Http2Preface));
        Assert.NotNull(await FirstBytesAsync(grpcSecond, Http2Preface));
        using var overGrpc = await ConnectAsync(server.GrpcEndpoint.Port);
        Assert.Null(await FirstBytesAsync(overGrpc, Http2Preface));

        // The open connections are served as before.
        Assert.StartsWith("HTTP/1.1 204 No Content\r\n", await FirstBytesAsync(first, Healthz));
        await server.WaitForOutputAsync(TimeSpan.FromSeconds(5), "rejected because the maximum number of concurrent connections has been reached");
    }

    /// <summary>The first connection to the server, made once it listens and kept open (so no other client's connection counts).</summary>
    private static async Task<TcpClient> FirstConnectionAsync(ServerProcess server)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                return await ConnectAsync(server.Endpoint.Port);
            }
            catch (SocketException)
            {
                Assert.False(server.Process.HasExited || DateTime.UtcNow > deadline, $"the server did not come up:\n{server.Output}");
                await Task.Delay(100);
            }
        }
    }

    private static async Task<TcpClient> ConnectAsync(int port)
    {
        var client = new TcpClient();
        try
        {
            await client.ConnectAsync("127.0.0.1", port);
            return client;
        }
        catch (SocketException)
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Sends <paramref name="request"/> over an open connection; returns what first comes back, or null when the server closed the connection.</summary>
    private static async Task<string?> FirstBytesAsync(TcpClient client, byte[] request)
    {
        var stream = client.GetStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await stream.WriteAsync(request, timeout.Token);
            var buffer = new byte[256];
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return read == 0 ? null : Encoding.Latin1.GetString(buffer, 0, read);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
