using System.Diagnostics;
using CloudRuntimes.Components.Sqlite;
using Microsoft.Extensions.Logging;
using Vtx.Host;
using Vtx.Host.Lifecycle;
using Vtx.Host.Ports;

namespace Vtx.Tests.Host;

/// <summary>
/// A plugin's SQL stays in its own lane and within its call's limits (docs/vtx.md "SQL"): the <c>sqlprobe</c> plugin
/// runs any statement it is given (GET /sql/exec?SQL, /sql/query?SQL), and none of these may touch files outside the
/// database, the host's tables or the connection the next call gets; the call's deadline interrupts its SQL; a huge
/// result stops at the limit while rows stream.
/// </summary>
public sealed class PluginSqlGuardTests : IDisposable
{
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(1);
    private readonly TempFolder _folder = new();
    private readonly RecordingLogger _log = new();
    private readonly VtxPluginHost _host;

    public PluginSqlGuardTests()
    {
        var options = RuntimeFixture.Options;
        options.HandleTimeout = CallDeadline;
        // The database's own statement deadline is long: the call's deadline must be what stops a statement here.
        var database = new SqlPortDatabase(new SqliteDatabase(_folder.File("vtx.db"), TimeSpan.FromSeconds(60), maxResultBytes: 1024 * 1024));
        _host = new VtxPluginHost(database, new DirectoryFileStore(_folder.Path), options, _log);
        _host.Load(TestPlugins.Core("sqlprobe"));
    }

    [Theory]
    [InlineData("exec", "ATTACH DATABASE '{0}' AS other", "attaching or detaching databases is not allowed")]
    [InlineData("exec", "VACUUM INTO '{0}'", "attaching or detaching databases is not allowed")]
    [InlineData("query", "SELECT load_extension('{0}')", "loading extensions is not allowed")]
    public void A_plugin_cannot_create_or_load_files_outside_the_database(string import, string sql, string reason)
    {
        var outside = _folder.File("outside.db");

        var (status, body) = Call(import, string.Format(System.Globalization.CultureInfo.InvariantCulture, sql, outside));

        Assert.Equal(500, status);
        Assert.Contains(reason, body, StringComparison.Ordinal);
        Assert.False(File.Exists(outside), "a file was created outside the database");
    }

    [Theory]
    [InlineData("query", "SELECT * FROM sys_plugin_installations")]
    [InlineData("exec", "DELETE FROM sys_plugin_installations")]
    [InlineData("exec", "UPDATE sys_plugin_versions SET version = 0")]
    [InlineData("exec", "DROP TABLE sys_plugin_resources")]
    [InlineData("exec", "CREATE TRIGGER t AFTER INSERT ON sys_plugin_versions BEGIN SELECT 1; END")]
    public void A_plugin_cannot_read_or_change_the_hosts_bookkeeping(string import, string sql)
    {
        var (status, body) = Call(import, sql);

        Assert.Equal(500, status);
        Assert.Contains("is reserved for the host", body, StringComparison.Ordinal);
        Assert.Contains("sqlprobe", TestDatabase.HostQueryJson(_folder.File("vtx.db"), "SELECT plugin_name FROM sys_plugin_installations"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PRAGMA query_only=1", "PRAGMA query_only is not allowed")]
    [InlineData("PRAGMA foreign_keys=OFF", "PRAGMA foreign_keys is not allowed")]
    [InlineData("PRAGMA journal_mode=DELETE", "PRAGMA journal_mode is not allowed")]
    [InlineData("PRAGMA writable_schema=ON", "PRAGMA writable_schema is not allowed")]
    [InlineData("BEGIN", "transaction statements are not allowed here")]
    [InlineData("SAVEPOINT s", "transaction statements are not allowed here")]
    [InlineData("CREATE TEMP TABLE scratch(x)", "temporary objects are not allowed")]
    public void A_plugin_cannot_leave_state_on_the_connection_the_next_call_gets(string sql, string reason)
    {
        Assert.Equal((200, "changed 0"), Call("exec", "CREATE TABLE IF NOT EXISTS notes(x)"));

        var (status, body) = Call("exec", sql);

        Assert.Equal(500, status);
        Assert.Contains(reason, body, StringComparison.Ordinal);
        // The next calls write, and see no transaction or temporary table of the refused one.
        Assert.Equal((200, "changed 1"), Call("exec", "INSERT INTO notes VALUES (1)"));
        Assert.Equal((200, "changed 1"), Call("exec", "INSERT INTO notes VALUES (2)"));
        Assert.Equal((200, """[{"n":2}]"""), Call("query", "SELECT count(*) AS n FROM notes"));
    }

    [Fact]
    public void Reading_schema_pragmas_is_allowed()
    {
        Call("exec", "CREATE TABLE IF NOT EXISTS notes(x INTEGER)");

        Assert.Equal((200, """[{"cid":0,"dflt_value":null,"name":"x","notnull":0,"pk":0,"type":"INTEGER"}]"""), Call("query", "PRAGMA table_info(notes)"));
    }

    [Fact]
    public void Execute_reports_the_rows_its_own_statement_changed()
    {
        Call("exec", "CREATE TABLE counted(x)");
        Assert.Equal((200, "changed 3"), Call("exec", "INSERT INTO counted VALUES (1), (2), (3)"));

        // CREATE changes no row; sqlite3_changes would still say 3 here (the last INSERT's count).
        Assert.Equal((200, "changed 0"), Call("exec", "CREATE TABLE other(y)"));
    }

    [Fact]
    public void The_call_deadline_interrupts_an_endless_query_and_the_log_says_timeout()
    {
        var clock = Stopwatch.StartNew();

        var (status, body) = Call("query", "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c");

        Assert.Equal(500, status);
        Assert.Equal("Plugin execution failed", body);
        Assert.True(clock.Elapsed < CallDeadline + TimeSpan.FromSeconds(1), $"the call took {clock.Elapsed.TotalMilliseconds:F0} ms against a {CallDeadline.TotalMilliseconds} ms deadline");
        Assert.Contains(_log.Lines, line => line.Contains("failed in plugin sqlprobe: Timeout", StringComparison.Ordinal));
    }

    [Fact]
    public void An_endless_write_releases_the_write_lock_at_the_deadline()
    {
        Call("exec", "CREATE TABLE big(x)");

        var (status, _) = Call("exec", "INSERT INTO big WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c");

        Assert.Equal(500, status);
        // The interrupted statement left nothing and holds no lock: the next write goes through at once.
        Assert.Equal((200, "changed 1"), Call("exec", "INSERT INTO big VALUES (1)"));
        Assert.Equal((200, """[{"n":1}]"""), Call("query", "SELECT count(*) AS n FROM big"));
    }

    [Fact]
    public void A_huge_result_stops_at_the_limit_while_rows_stream()
    {
        // 100,000 rows of 200 hexadecimal digits: about 21 MB of JSON against a 1 MiB limit.
        const string huge = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 100000) SELECT x, hex(randomblob(100)) AS h FROM c";
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        var (status, body) = Call("query", huge);

        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Assert.Equal(500, status);
        Assert.Equal("the result is larger than the limit of 1048576 bytes; the query was stopped", body);
        Assert.True(allocated < 8 * 1024 * 1024, $"the call allocated {allocated} bytes for a 1 MiB limit");
    }

    private (int Status, string Body) Call(string import, string sql)
    {
        var result = _host.Handle("GET", "/sql/" + import, Uri.EscapeDataString(sql));
        var body = result.Body is { } buffer ? System.Text.Encoding.UTF8.GetString(buffer.Read(0, buffer.Size)) : result.Error ?? "";
        result.Body?.Dispose();
        return (result.Status, body);
    }

    public void Dispose()
    {
        _host.Dispose();
        _folder.Dispose();
    }

    private sealed class RecordingLogger : ILogger<VtxPluginHost>
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Lines { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Enqueue(formatter(state, exception));
    }
}
