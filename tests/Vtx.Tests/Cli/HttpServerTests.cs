using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Vtx.Cli;
using Vtx.Host.Lifecycle;
using Vtx.Host.Ports;
using Vtx.Tests.Host;

namespace Vtx.Tests.Cli;

/// <summary>The vtx-host HTTP gateway on a real Kestrel server on 127.0.0.1.</summary>
public sealed class HttpServerTests : IAsyncLifetime
{
    private const string FileId = "9b2e4c1a-7d3f-4e5a-8b6c-1d2e3f4a5b6c";
    private readonly TempFolder _folder = new();
    private readonly HttpClient _client = new();
    private VtxPluginHost? _host;
    private WebApplication? _app;

    public async ValueTask InitializeAsync()
    {
        var notes = TestPlugins.Core("notes");
        var files = Directory.CreateDirectory(_folder.File("files")).FullName;
        await File.WriteAllTextAsync(Path.Combine(files, FileId + ".txt"), "0123456789", TestContext.Current.CancellationToken);
        _host = new VtxPluginHost(TestDatabase.Open(_folder.File("vtx.db")), new DirectoryFileStore(files), RuntimeFixture.Options);
        _host.Load(notes);
        _host.Load(TestPlugins.Core("gate"));
        _host.Load(TestPlugins.Core("evil"));
        var url = $"http://127.0.0.1:{FreePorts.Next()}";
        _app = VtxHttpServer.Create(_host, url);
        await _app.StartAsync(TestContext.Current.CancellationToken);
        _client.BaseAddress = new Uri(url);
    }

    [Fact]
    public async Task Plugin_routes_answer_with_status_body_and_json_media_type()
    {
        var ct = TestContext.Current.CancellationToken;

        var created = await _client.PostAsync(new Uri("/notes/add?tea", UriKind.Relative), null, ct);
        var listed = await _client.GetAsync(new Uri("/notes", UriKind.Relative), ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("{\"inserted\":1}", await created.Content.ReadAsStringAsync(ct));
        Assert.Equal("application/json", listed.Content.Headers.ContentType?.MediaType);
        Assert.Equal("""[{"id":1,"score":1.5,"tag":null,"title":"tea"}]""", await listed.Content.ReadAsStringAsync(ct));
    }

    [Fact]
    public async Task File_bodies_support_ranges()
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/notes/file?" + FileId);
        request.Headers.Range = new RangeHeaderValue(2, 5);

        var response = await _client.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("2345", await response.Content.ReadAsStringAsync(ct));
    }

    [Fact]
    public async Task Unknown_routes_and_failing_plugins_get_json_errors_and_the_server_keeps_serving()
    {
        var ct = TestContext.Current.CancellationToken;

        var missing = await _client.GetAsync(new Uri("/nowhere", UriKind.Relative), ct);
        var trapped = await _client.GetAsync(new Uri("/evil/trap", UriKind.Relative), ct);
        var next = await _client.GetAsync(new Uri("/evil/ok", UriKind.Relative), ct);

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("""{"error":"No plugin configured to handle route: /nowhere"}""", await missing.Content.ReadAsStringAsync(ct));
        Assert.Equal(HttpStatusCode.InternalServerError, trapped.StatusCode);
        Assert.Equal("""{"error":"Plugin execution failed"}""", await trapped.Content.ReadAsStringAsync(ct));
        Assert.Equal("fine", await next.Content.ReadAsStringAsync(ct));
    }

    [Fact]
    public async Task Admin_api_requires_the_authenticate_chain()
    {
        var ct = TestContext.Current.CancellationToken;
        using var anonymous = new HttpRequestMessage(HttpMethod.Get, "/admin/plugins");
        using var alice = new HttpRequestMessage(HttpMethod.Get, "/admin/plugins");
        alice.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "alice");

        var denied = await _client.SendAsync(anonymous, ct);
        var allowed = await _client.SendAsync(alice, ct);

        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.StartsWith("""{"user":"alice","plugins":[{"id":"notes",""", await allowed.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _host?.Dispose();
        _client.Dispose();
        _folder.Dispose();
    }
}
