using System.Text;
using Vtx.Host;
using Vtx.Host.Lifecycle;
using Vtx.Host.Packaging;
using Vtx.Host.Ports;
using Vtx.Host.Sqlite;

namespace Vtx.Tests.Host;

/// <summary>Loading, migrations, routing and the authenticate chain of <see cref="VtxPluginHost"/>.</summary>
public sealed class PluginHostTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private string DatabasePath => _folder.File("vtx.db");

    [Fact]
    public void Loading_a_directory_loads_every_plugin_and_reports_broken_files()
    {
        var plugins = Directory.CreateDirectory(_folder.File("plugins")).FullName;
        File.Copy(TestPlugins.Core("notes"), Path.Combine(plugins, "notes.wasm"));
        File.WriteAllBytes(Path.Combine(plugins, "gate.vtx"), PackagingTests.VtxV2(File.ReadAllBytes(TestPlugins.Component("gate")), """{"author":"ann"}"""));
        File.WriteAllBytes(Path.Combine(plugins, "broken.vtx"), [0x56, 0x54, 0x58, 7]);
        File.WriteAllText(Path.Combine(plugins, "readme.txt"), "not a plugin");
        using var host = NewHost();

        var report = host.LoadDirectory(plugins);

        Assert.Equal(["gate", "notes"], report.Loaded.Select(p => p.Manifest.Id));
        Assert.Equal([PluginPackageFormat.VtxV2, PluginPackageFormat.CoreModule], report.Loaded.Select(p => p.Format!.Value));
        Assert.Equal("ann", report.Loaded[0].Metadata!.Value.GetProperty("author").GetString());
        Assert.Null(report.Loaded[1].Metadata);
        var failure = Assert.Single(report.Failed);
        Assert.Equal(VtxErrorCode.InvalidPackage, failure.Code);
        Assert.Contains("broken.vtx", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Migrations_are_applied_once_and_the_version_is_recorded()
    {
        using (var first = NewHost())
        {
            var info = first.Load(TestPlugins.Core("notes"));
            Assert.Equal(2, info.MigrationsApplied);
            Assert.Equal(2, info.SchemaVersion);
        }

        using var second = NewHost();
        var again = second.Load(TestPlugins.Core("notes"));

        Assert.Equal(0, again.MigrationsApplied);
        Assert.Equal(2, again.SchemaVersion);
        var database = new SqliteVtxDatabase(DatabasePath);
        Assert.Equal("""[{"version":2}]""", database.QueryJson("SELECT version FROM sys_plugin_versions WHERE plugin_name = ?", [new Vtx.Protocol.DbValue.Text("notes")]).Value);
        Assert.Equal("""[{"resource_name":"notes","resource_type":"TABLE"}]""", database.QueryJson("SELECT resource_type, resource_name FROM sys_plugin_resources", []).Value);
    }

    [Fact]
    public void New_migrations_appended_later_run_after_the_stored_version()
    {
        using (var first = NewHost())
        {
            first.AddPlugin("grow", (_, io) => new EchoPlugin("grow", "/grow", ["CREATE TABLE t(a)"], io));
        }

        using var second = NewHost();
        // The same plugin, upgraded in place.
        var info = second.AddPlugin("grow", (_, io) => new EchoPlugin("grow", "/grow", ["CREATE TABLE t(a)", "ALTER TABLE t ADD COLUMN b"], io));

        Assert.Equal(1, info.MigrationsApplied);
        Assert.Equal("[]", new SqliteVtxDatabase(DatabasePath).QueryJson("SELECT a, b FROM t", []).Value);
    }

    [Fact]
    public void An_installed_id_is_refused_from_another_source_after_a_restart_and_its_data_is_kept()
    {
        using (var first = NewHost())
        {
            first.AddPlugin("notes-plugin", (_, io) => new EchoPlugin("notes", "/notes", ["CREATE TABLE notes_t(a)", "INSERT INTO notes_t VALUES (1)"], io));
        }

        using var second = NewHost();
        var error = Assert.Throws<VtxPluginException>(() =>
            second.AddPlugin("impostor", (_, io) => new EchoPlugin("notes", "/other", ["DROP TABLE notes_t"], io)));

        Assert.Equal(VtxErrorCode.Conflict, error.Code);
        Assert.Contains("installed from notes-plugin", error.Message, StringComparison.Ordinal);
        Assert.Equal("""[{"a":1}]""", new SqliteVtxDatabase(DatabasePath).QueryJson("SELECT a FROM notes_t", []).Value);
    }

    [Fact]
    public void Uninstalling_releases_the_id_for_another_source()
    {
        using (var first = NewHost())
        {
            first.AddPlugin("old-file", (_, io) => new EchoPlugin("moved", "/moved", io: io));
            first.Uninstall("moved", keepData: true);
        }

        using var second = NewHost();
        var info = second.AddPlugin("new-file", (_, io) => new EchoPlugin("moved", "/moved", io: io));

        Assert.Equal("moved", info.Manifest.Id);
    }

    [Fact]
    public void A_failing_migration_rolls_back_the_whole_batch()
    {
        using var host = NewHost();

        var error = Assert.Throws<VtxPluginException>(() =>
            host.AddPlugin("bad", (_, io) => new EchoPlugin("bad", "/bad", ["CREATE TABLE kept(a)", "CREATE TABLE oops("], io)));

        Assert.Equal(VtxErrorCode.MigrationFailed, error.Code);
        Assert.Contains("migration 2 of 2", error.Message, StringComparison.Ordinal);
        var database = new SqliteVtxDatabase(DatabasePath);
        Assert.Equal("no such table: kept", database.QueryJson("SELECT * FROM kept", []).Error);
        Assert.Equal(0, database.GetSchemaVersion("bad"));
        Assert.Empty(host.Plugins);
    }

    [Fact]
    public void A_shorter_migration_list_than_the_stored_version_is_refused()
    {
        using (var first = NewHost())
        {
            first.AddPlugin("shrink", (_, io) => new EchoPlugin("shrink", "/s", ["CREATE TABLE s1(a)", "CREATE TABLE s2(a)"], io));
        }

        using var second = NewHost();
        var error = Assert.Throws<VtxPluginException>(() => second.AddPlugin("shrink", (_, io) => new EchoPlugin("shrink", "/s", ["CREATE TABLE s1(a)"], io)));

        Assert.Equal(VtxErrorCode.MigrationFailed, error.Code);
        Assert.Contains("append-only", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/notes", "notes|GET||q=1")]
    [InlineData("/notes/list", "notes|GET|/list|q=1")]
    [InlineData("/notes/admin", "admin|GET||q=1")]
    [InlineData("/notes/admin/users", "admin|GET|/users|q=1")]
    [InlineData("/notes/administrator", "notes|GET|/administrator|q=1")]
    [InlineData("/notesx", "root|GET|/notesx|q=1")]
    [InlineData("/", "root|GET|/|q=1")]
    public void Requests_go_to_the_longest_entrypoint_prefix_on_a_slash_boundary(string path, string expected)
    {
        using var host = NewHost();
        host.AddPlugin("notes", (_, io) => new EchoPlugin("notes", "/notes", io: io));
        host.AddPlugin("admin", (_, io) => new EchoPlugin("admin", "/notes/admin", io: io));
        host.AddPlugin("root", (_, io) => new EchoPlugin("root", "/", io: io));

        var result = host.Handle("GET", path, "q=1");

        Assert.Equal(expected, Text(result));
    }

    [Fact]
    public void Unmatched_route_is_404_naming_the_path()
    {
        using var host = NewHost();
        host.AddPlugin("notes", (_, io) => new EchoPlugin("notes", "/notes", io: io));

        var result = host.Handle("GET", "/elsewhere", "");

        Assert.Equal(404, result.Status);
        Assert.Equal("No plugin configured to handle route: /elsewhere", result.Error);
    }

    [Fact]
    public void Same_entrypoint_or_id_twice_is_a_conflict()
    {
        using var host = NewHost();
        host.AddPlugin("one", (_, io) => new EchoPlugin("one", "/x", io: io));

        var route = Assert.Throws<VtxPluginException>(() => host.AddPlugin("two", (_, io) => new EchoPlugin("two", "/x", io: io)));
        var id = Assert.Throws<VtxPluginException>(() => host.AddPlugin("three", (_, io) => new EchoPlugin("one", "/y", io: io)));

        Assert.Equal(VtxErrorCode.Conflict, route.Code);
        Assert.Contains("route conflict", route.Message, StringComparison.Ordinal);
        Assert.Equal(VtxErrorCode.Conflict, id.Code);
    }

    [Fact]
    public void Loading_the_same_plugin_from_the_same_source_again_replaces_it()
    {
        using var host = NewHost();
        host.AddPlugin("echo", (_, io) => new EchoPlugin("echo", "/old", ["CREATE TABLE e(a)"], io));

        var reloaded = host.AddPlugin("echo", (_, io) => new EchoPlugin("echo", "/new", ["CREATE TABLE e(a)", "CREATE TABLE e2(a)"], io));

        Assert.Equal(1, reloaded.MigrationsApplied);
        Assert.Equal(["/new"], host.Plugins.Select(p => p.Manifest.Entrypoint));
        Assert.Equal(404, host.Handle("GET", "/old", "").Status);
        Assert.Equal("echo|GET||", Text(host.Handle("GET", "/new", "")));
    }

    [Fact]
    public void Wasm_plugin_serves_crud_requests_through_the_host()
    {
        using var host = NewHost();
        host.Load(TestPlugins.Core("notes"));

        var created = host.Handle("POST", "/notes/add", "milk");
        var listed = host.Handle("GET", "/notes", "");

        Assert.Equal(201, created.Status);
        Assert.Equal("{\"inserted\":1}", Text(created));
        Assert.Equal("application/json", listed.Body!.ContentType);
        Assert.Equal("""[{"id":1,"score":1.5,"tag":null,"title":"milk"}]""", Text(listed));
    }

    [Fact]
    public void A_failing_plugin_request_is_500_with_a_logged_reason_and_the_next_request_succeeds()
    {
        var logger = new ListLogger();
        using var host = new VtxPluginHost(new SqliteVtxDatabase(DatabasePath), new DirectoryFileStore(_folder.Path), RuntimeFixture.Options,
            new Microsoft.Extensions.Logging.Logger<VtxPluginHost>(new SingleLoggerFactory(logger)));
        host.Load(TestPlugins.Core("evil"));

        var failed = host.Handle("GET", "/evil/loop", "");
        var next = host.Handle("GET", "/evil/ok", "");

        Assert.Equal(500, failed.Status);
        Assert.Equal("Plugin execution failed", failed.Error);
        Assert.Contains(logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error
            && e.Message.Contains("GET /evil/loop failed in plugin evil: Timeout: Plugin 'evil' ran past its 1000 ms deadline", StringComparison.Ordinal));
        Assert.Equal(200, next.Status);
        Assert.Equal("fine", Text(next));
    }

    [Theory]
    [InlineData("", "/x", "empty id")]
    [InlineData("noroute", "x", "must start with '/'")]
    public void Invalid_manifests_are_refused(string id, string entrypoint, string problem)
    {
        using var host = NewHost();

        var error = Assert.Throws<VtxPluginException>(() => host.AddPlugin("odd", (_, io) => new EchoPlugin(id, entrypoint, io: io)));

        Assert.Equal(VtxErrorCode.InvalidModule, error.Code);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Authenticate_chain_skips_401_and_failing_plugins_and_stops_at_other_statuses()
    {
        using var host = NewHost();
        host.Load(TestPlugins.Core("notes"));
        host.Load(TestPlugins.Core("evil"));
        host.Load(TestPlugins.Core("gate"));
        host.AddPlugin("echo", (_, io) => new EchoPlugin("echo", "/echo", io: io));

        var alice = host.Authenticate([new("authorization", "Bearer alice")]);
        var blocked = host.Authenticate([new("authorization", "Bearer blocked")]);
        var echo = host.Authenticate([new("authorization", "Token echo")]);
        var nobody = host.Authenticate([new("authorization", "Bearer mallory")]);

        Assert.Equal(("gate", 200, "alice"), (alice.PluginId, alice.Status, alice.User!.Username));
        Assert.Equal(("gate", 403), (blocked.PluginId, blocked.Status));
        Assert.Null(blocked.User);
        Assert.Equal(("echo", 200), (echo.PluginId, echo.Status));
        Assert.Equal((null, 401), (nobody.PluginId, nobody.Status));
    }

    [Fact]
    public void Authenticate_runs_under_the_restricted_policy()
    {
        using var host = NewHost();
        host.Load(TestPlugins.Core("gate"));

        var probe = host.Authenticate([new("x-probe", "1")]);

        Assert.Equal("Permission Denied", probe.User!.Username);
        Assert.Equal("file denied", probe.User.Metadata);
        Assert.Equal("no such table: probe", new SqliteVtxDatabase(DatabasePath).QueryJson("SELECT * FROM probe", []).Error);
    }

    [Fact]
    public void Authenticate_may_read_but_not_write_through_query_json()
    {
        using var host = NewHost();
        var database = new SqliteVtxDatabase(DatabasePath);
        database.Execute("CREATE TABLE users(name TEXT)", []);
        database.Execute("INSERT INTO users VALUES (?)", [new Vtx.Protocol.DbValue.Text("ann")]);
        host.AddPlugin("probe", (sql, _) => new SqlProbePlugin(sql));

        var result = host.Authenticate([]);

        Assert.Equal("""[{"name":"ann"}]""", result.User!.Username);
        Assert.Equal("Permission Denied", result.User.Metadata);
        Assert.Equal("""[{"n":1}]""", database.QueryJson("SELECT count(*) AS n FROM users", []).Value);
    }

    [Fact]
    public void Uninstall_drops_the_plugin_tables_unless_data_is_kept()
    {
        using var host = NewHost();
        host.Load(TestPlugins.Core("notes"));

        host.Uninstall("notes", keepData: false);

        Assert.Empty(host.Plugins);
        Assert.Equal(404, host.Handle("GET", "/notes", "").Status);
        var database = new SqliteVtxDatabase(DatabasePath);
        Assert.Equal("no such table: notes", database.QueryJson("SELECT * FROM notes", []).Error);
        Assert.Equal(0, database.GetSchemaVersion("notes"));
    }

    [Fact]
    public void Unloading_an_unknown_plugin_names_it()
    {
        using var host = NewHost();

        var error = Assert.Throws<VtxPluginException>(() => host.Unload("ghost"));

        Assert.Equal(VtxErrorCode.PluginNotFound, error.Code);
        Assert.Contains("'ghost'", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();

    private VtxPluginHost NewHost() =>
        new(new SqliteVtxDatabase(DatabasePath), new DirectoryFileStore(_folder.File("files")), RuntimeFixture.Options);

    private static string Text(VtxHttpResult result)
    {
        using var body = result.Body;
        return body is null ? $"<{result.Status}>" : Encoding.UTF8.GetString(body.Read(0, body.Size));
    }
}
