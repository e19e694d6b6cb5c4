using System.Globalization;
using Vtx.Host.Lifecycle;
using Vtx.Host.Ports;
using Vtx.Host.Sqlite;

namespace Vtx.Tests.Host;

/// <summary>
/// Every status a plugin answers becomes a final HTTP answer (docs/vtx.md "Responses"): a 1xx status cannot end a
/// request (vtx-core's HTTP server, hyper, answers 500 for it), so the host fails the request with its documented
/// error; 204, 205 and 304 cannot carry a body (hyper drops it for 204 and 304), so the host drops it.
/// The <c>wire</c> probe answers GET /c/status?N with status N and the body "body", /c/status-only?N without one.
/// </summary>
public sealed class PluginStatusTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly VtxPluginHost _host;

    public PluginStatusTests()
    {
        _host = new VtxPluginHost(new SqliteVtxDatabase(_folder.File("vtx.db")), new DirectoryFileStore(_folder.Path), RuntimeFixture.Options);
        _host.Load(TestPlugins.Core("wire"));
    }

    [Theory]
    [InlineData("/c/status", "100")]
    [InlineData("/c/status", "101")]
    [InlineData("/c/status", "103")]
    [InlineData("/c/status", "199")]
    [InlineData("/c/status-only", "100")]
    [InlineData("/c/status-only", "101")]
    public void A_status_that_cannot_end_a_request_fails_it(string path, string status)
    {
        var result = _host.Handle("GET", path, status);

        Assert.Equal(500, result.Status);
        Assert.Null(result.Body);
        Assert.Equal("Plugin execution failed", result.Error);
        Assert.Equal("wire", result.PluginId);
    }

    [Theory]
    [InlineData(204)]
    [InlineData(205)]
    [InlineData(304)]
    public void A_body_on_a_status_that_has_none_is_dropped(int status)
    {
        var result = _host.Handle("GET", "/c/status", status.ToString(CultureInfo.InvariantCulture));

        Assert.Equal(status, result.Status);
        Assert.Null(result.Body);
        Assert.Null(result.Error);
    }

    public void Dispose()
    {
        _host.Dispose();
        _folder.Dispose();
    }
}
