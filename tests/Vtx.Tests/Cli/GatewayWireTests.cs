using System.Net;
using Microsoft.AspNetCore.Builder;
using Vtx.Cli;
using Vtx.Host.Lifecycle;
using Vtx.Host.Ports;
using Vtx.Tests.Host;

namespace Vtx.Tests.Cli;

/// <summary>
/// The HTTP wire of the gateway on a real Kestrel server, with the <c>wire</c> probe plugin at <c>/c</c> (it answers
/// <c>PATH?QUERY</c> as it received them, and any status with or without a body):
/// <list type="bullet">
/// <item>vtx-core routes on the raw request path and hands the plugin its raw rest (hyper's <c>uri.path()</c>,
/// spec <c>vtx-plugins.md</c> §A.3), so nothing is percent-decoded or normalised on the way; a fragment, which
/// hyper's parser cuts off, is dropped;</item>
/// <item>every plugin status gives a complete HTTP answer that the client can read (docs/vtx.md "Responses").</item>
/// </list>
/// </summary>
public sealed class GatewayWireTests(GatewayWireTests.Server server) : IClassFixture<GatewayWireTests.Server>
{
    [Theory]
    [InlineData("/c/a%20b/%C3%A9/x%2Fy", "/a%20b/%C3%A9/x%2Fy?")]
    [InlineData("/c/%7Ex?q=%20a+b&r=%2F", "/%7Ex?q=%20a+b&r=%2F")]
    [InlineData("/c/%2e%2e/x", "/%2e%2e/x?")]
    [InlineData("/c/../c/x", "/../c/x?")]
    [InlineData("/c//x", "//x?")]
    [InlineData("/c/%7Ex?a#b", "/%7Ex?a")]
    [InlineData("/c/%7Ex#b?c", "/%7Ex?")]
    public async Task The_plugin_gets_the_raw_path_and_query(string target, string echoed)
    {
        var response = await RawHttp.SendAsync(server.Port, "GET", target, TestContext.Current.CancellationToken);

        Assert.Equal(200, response.Status);
        Assert.Equal(echoed, response.BodyText);
    }

    [Fact]
    public async Task An_absolute_form_target_is_routed_on_its_path()
    {
        var response = await RawHttp.SendAsync(server.Port, "GET", $"http://127.0.0.1:{server.Port}/c/a%20b?x=%41", TestContext.Current.CancellationToken);

        Assert.Equal(200, response.Status);
        Assert.Equal("/a%20b?x=%41", response.BodyText);
    }

    [Theory]
    [InlineData("/%63/echo")]
    [InlineData("/c%2Fx")]
    [InlineData("/%43/x")]
    public async Task Routing_matches_the_raw_path(string target)
    {
        var response = await RawHttp.SendAsync(server.Port, "GET", target, TestContext.Current.CancellationToken);

        Assert.Equal(404, response.Status);
        Assert.Equal($$"""{"error":"No plugin configured to handle route: {{target}}"}""", response.BodyText);
    }

    [Theory]
    [InlineData("/c/status?100")]
    [InlineData("/c/status?101")]
    [InlineData("/c/status?102")]
    [InlineData("/c/status?103")]
    [InlineData("/c/status-only?100")]
    [InlineData("/c/status-only?101")]
    public async Task An_interim_status_is_answered_500_with_the_error_body(string target)
    {
        var response = await RawHttp.SendAsync(server.Port, "GET", target, TestContext.Current.CancellationToken);

        Assert.Equal(500, response.Status);
        Assert.StartsWith("application/json", response.Headers["content-type"], StringComparison.Ordinal);
        Assert.Equal("""{"error":"Plugin execution failed"}""", response.BodyText);
    }

    [Theory]
    [InlineData(204)]
    [InlineData(205)]
    [InlineData(304)]
    public async Task A_status_without_content_is_answered_without_the_plugins_body(int status)
    {
        var response = await RawHttp.SendAsync(server.Port, "GET", $"/c/status?{status}", TestContext.Current.CancellationToken);

        Assert.Equal(status, response.Status);
        Assert.Empty(response.Body);
    }

    [Theory]
    [InlineData("/c/status-only?100", HttpStatusCode.InternalServerError)]
    [InlineData("/c/status?101", HttpStatusCode.InternalServerError)]
    [InlineData("/c/status?204", HttpStatusCode.NoContent)]
    [InlineData("/c/status?304", HttpStatusCode.NotModified)]
    public async Task HttpClient_gets_an_answer_for_every_status(string target, HttpStatusCode expected)
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Port}"), Timeout = TimeSpan.FromSeconds(10) };

        using var response = await client.GetAsync(new Uri(target, UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(expected, response.StatusCode);
    }

    /// <summary>A vtx-host server on 127.0.0.1 with the wire probe, shared by the tests of the class.</summary>
    public sealed class Server : IAsyncLifetime
    {
        private readonly TempFolder _folder = new();
        private VtxPluginHost? _host;
        private WebApplication? _app;

        public int Port { get; private set; }

        public async ValueTask InitializeAsync()
        {
            _host = new VtxPluginHost(TestDatabase.Open(_folder.File("vtx.db")), new DirectoryFileStore(_folder.Path), RuntimeFixture.Options);
            _host.Load(TestPlugins.Core("wire"));
            Port = FreePorts.Next();
            _app = VtxHttpServer.Create(_host, $"http://127.0.0.1:{Port}");
            await _app.StartAsync(TestContext.Current.CancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            if (_app is not null)
            {
                await _app.DisposeAsync();
            }

            _host?.Dispose();
            _folder.Dispose();
        }
    }
}
