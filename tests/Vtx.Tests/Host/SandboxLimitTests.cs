using Vtx.Host;
using Vtx.Host.Packaging;
using Vtx.Host.Ports;
using Vtx.Host.Runtime;
using Vtx.Host.Sqlite;
using Vtx.Protocol;

namespace Vtx.Tests.Host;

/// <summary>Host bounds on sizes the plugin controls, and concurrent requests.</summary>
public sealed class SandboxLimitTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public void Buffer_reads_are_capped_at_the_configured_size()
    {
        using var notes = Instantiate(new VtxHostOptions { MaxBufferReadBytes = 2 });

        var response = notes.Handle(new HttpRequest("GET", "/copy", "hello"));

        // The plugin asks for 3 bytes from offset 1 of "hello"; the cap leaves "el".
        Assert.Equal("5:el", RuntimeFixture.BodyText(response));
    }

    [Fact]
    public void Query_results_over_the_limit_come_back_as_sql_errors()
    {
        var database = new SqliteVtxDatabase(_folder.File("vtx.db"));
        database.ApplyMigrations("notes", ["CREATE TABLE notes(id INTEGER PRIMARY KEY, title TEXT NOT NULL, score REAL, tag TEXT)"], ["notes"]);
        database.Execute("INSERT INTO notes(title) VALUES (?)", [new DbValue.Text("a fairly long title")]);
        using var notes = Instantiate(new VtxHostOptions { MaxSqlResultBytes = 20 });

        var response = notes.Handle(new HttpRequest("GET", "", ""));

        // [{"id":1,"score":null,"tag":null,"title":"a fairly long title"}] is 64 bytes.
        Assert.Equal(500, response.Status);
        Assert.Equal("SQL Error: the result is 64 bytes, over the host's limit of 20 bytes", RuntimeFixture.BodyText(response));
    }

    [Fact]
    public void Memory_buffer_bytes_are_bounded_per_instance()
    {
        using var notes = Instantiate(new VtxHostOptions { MaxMemoryBufferBytes = 4 });

        var error = Assert.Throws<VtxPluginException>(() => notes.Handle(new HttpRequest("GET", "/copy", "hello")));

        Assert.Equal(VtxErrorCode.ResourceLimit, error.Code);
        Assert.Contains("more than 4 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Concurrent_requests_each_get_their_own_instance()
    {
        using var host = new Vtx.Host.Lifecycle.VtxPluginHost(new SqliteVtxDatabase(_folder.File("vtx.db")), new DirectoryFileStore(_folder.Path));
        host.Load(TestPlugins.Core("notes"));

        var bodies = new string[16];
        Parallel.For(0, bodies.Length, i =>
        {
            var result = host.Handle("GET", "/notes/copy", "request-" + i);
            using var body = result.Body!;
            bodies[i] = System.Text.Encoding.UTF8.GetString(body.Read(0, body.Size));
        });

        Assert.Equal(Enumerable.Range(0, 16).Select(i => $"{("request-" + i).Length}:equ"), bodies);
    }

    public void Dispose() => _folder.Dispose();

    private VtxPluginInstance Instantiate(VtxHostOptions options)
    {
        var runtime = new VtxRuntime(options);
        var database = new SqliteVtxDatabase(_folder.File("vtx.db"));
        return runtime.Compile(PluginPackage.Load(TestPlugins.Core("notes")))
            .CreateInstance("notes", database, new StreamIo(new DirectoryFileStore(_folder.Path)), TimeSpan.FromSeconds(1));
    }
}
