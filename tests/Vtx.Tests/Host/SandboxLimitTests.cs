using CloudRuntimes.Components.Sqlite;
using Vtx.Host;
using Vtx.Host.Packaging;
using Vtx.Host.Ports;
using Vtx.Host.Runtime;
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
    public void Query_results_over_the_database_limit_come_back_as_sql_errors()
    {
        // The result limit is the database component's (maxResultBytes), counted while rows stream.
        var database = new SqlPortDatabase(new SqliteDatabase(_folder.File("vtx.db"), maxResultBytes: 1024));
        database.ApplyMigrations("notes", ["CREATE TABLE notes(id INTEGER PRIMARY KEY, title TEXT NOT NULL, score REAL, tag TEXT)"], ["notes"]);
        database.Execute("INSERT INTO notes(title) VALUES (?), (?)", [new DbValue.Text(new string('t', 600)), new DbValue.Text(new string('u', 600))]);
        using var notes = Instantiate(new VtxHostOptions(), database);

        var response = notes.Handle(new HttpRequest("GET", "", ""));

        Assert.Equal(500, response.Status);
        Assert.Equal("the result is larger than the limit of 1024 bytes; the query was stopped", RuntimeFixture.BodyText(response));
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
        using var host = new Vtx.Host.Lifecycle.VtxPluginHost(TestDatabase.Open(_folder.File("vtx.db")), new DirectoryFileStore(_folder.Path));
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

    private VtxPluginInstance Instantiate(VtxHostOptions options, SqlPortDatabase? database = null)
    {
        var runtime = new VtxRuntime(options);
        database ??= TestDatabase.Open(_folder.File("vtx.db"));
        return runtime.Compile(PluginPackage.Load(TestPlugins.Core("notes")))
            .CreateInstance("notes", database.Sql(), new StreamIo(new DirectoryFileStore(_folder.Path)), TimeSpan.FromSeconds(1));
    }
}
