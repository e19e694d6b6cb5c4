using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Vtx.Host;
using Vtx.Host.Lifecycle;
using Vtx.Host.Ports;

namespace Vtx.Tests.Host;

/// <summary>
/// The JavaScript plugin (plugins/js/plugin.js, built with componentize-js) in the host, for what the Node oracle does
/// not see: its stdout in the host log, and outgoing HTTP refused unless the operator allows the host.
/// (Every response is compared with the oracle in <see cref="NodeOracleTests"/>.)
/// </summary>
public sealed class JavaScriptPluginTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly ListLogger _logger = new();

    [Fact]
    public void Console_output_reaches_the_log_once_per_line_tagged_with_the_plugin_id()
    {
        using var host = NewHost(TestPlugins.JavaScriptOptions());

        var response = host.Handle("GET", "/js-notes/log", "");

        Assert.Equal(200, response.Status);
        response.Body?.Dispose();
        Assert.Equal(["[js-notes stdout] handling GET /log"], _logger.Entries.Where(e => e.Message.Contains("stdout]", StringComparison.Ordinal)).Select(e => e.Message));
    }

    [Fact]
    public void Outgoing_http_is_refused_by_default_naming_the_host()
    {
        using var host = NewHost(TestPlugins.JavaScriptOptions());

        var response = host.Handle("GET", "/js-notes/fetch", "http%3A%2F%2F127.0.0.1%3A9%2F");

        Assert.Equal("502 fetch refused", Text(response));
        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Warning && e.Message == "Plugin js-notes: outgoing HTTP request to '127.0.0.1:9' refused (not in AllowedHttpHosts)");
    }

    [Fact]
    public async Task Outgoing_http_reaches_a_host_the_operator_allows()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = ServeOnce(listener, "hello from the allowed host");
        var options = TestPlugins.JavaScriptOptions();
        options.AllowedHttpHosts.Add($"127.0.0.1:{port}");
        using var host = NewHost(options);

        var response = host.Handle("GET", "/js-notes/fetch", Uri.EscapeDataString($"http://127.0.0.1:{port}/x"));

        Assert.Equal("200 fetched 200: hello from the allowed host", Text(response));
        Assert.StartsWith("GET /x HTTP/1.1", await server, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();

    private VtxPluginHost NewHost(VtxHostOptions options)
    {
        var host = new VtxPluginHost(TestDatabase.Open(_folder.File("vtx.db")), new DirectoryFileStore(_folder.Path), options,
            new Logger<VtxPluginHost>(new SingleLoggerFactory(_logger)));
        host.Load(TestPlugins.JavaScript());
        return host;
    }

    private static string Text(VtxHttpResult result)
    {
        using var body = result.Body;
        return $"{result.Status} {(body is null ? "<none>" : Encoding.UTF8.GetString(body.Read(0, body.Size)))}";
    }

    /// <summary>Answers one HTTP request with a 200 and <paramref name="body"/>; gives the request line.</summary>
    private static async Task<string> ServeOnce(TcpListener listener, string body)
    {
        using var client = await listener.AcceptTcpClientAsync();
        using var stream = client.GetStream();
        var request = new StringBuilder();
        var buffer = new byte[4096];
        while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                break;
            }

            request.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        var content = Encoding.UTF8.GetBytes(body);
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {content.Length}\r\nConnection: close\r\n\r\n"));
        await stream.WriteAsync(content);
        return request.ToString();
    }
}
