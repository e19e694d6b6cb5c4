using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Vtx.Host;
using Vtx.Host.Lifecycle;
using Vtx.Host.Packaging;
using Vtx.Host.Ports;
using Vtx.Protocol;

namespace Vtx.Tests.Host;

/// <summary>
/// The same components run under an independent host — jco-transpiled JS with JS host imports
/// over sql.js and WASI from preview2-shim (tests/Vtx.Tests/oracle/oracle.mjs) — against the same
/// SQLite data and files, and every call gives the same result as in <see cref="VtxPluginHost"/>:
/// the C components and the JavaScript plugin built with componentize-js.
/// </summary>
public sealed class NodeOracleTests : IDisposable
{
    private const string FileId = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
    private static readonly string OracleFolder = Path.Combine(RepositoryPaths.Root, "tests", "Vtx.Tests", "oracle");
    private readonly TempFolder _folder = new();

    public static TheoryData<string, string> Scripts => new()
    {
        {
            "notes", """
            [{"export":"get-manifest"},{"export":"get-migrations"},{"export":"get-resources"},
             {"export":"authenticate","headers":[["authorization","Bearer alice"]]},
             {"export":"handle","method":"GET","path":"","query":""},
             {"export":"handle","method":"POST","path":"/add","query":"x"},
             {"export":"handle","method":"POST","path":"/add","query":"ünïcode"},
             {"export":"handle","method":"GET","path":"/copy","query":"hello"},
             {"export":"handle","method":"GET","path":"/bad-sql","query":""},
             {"export":"handle","method":"GET","path":"/file","query":"3f2504e0-4f89-41d3-9a0c-0305e82c3301"},
             {"export":"handle","method":"GET","path":"/file","query":"00000000-0000-4000-8000-000000000000"},
             {"export":"handle","method":"GET","path":"/missing","query":""}]
            """
        },
        {
            "gate", """
            [{"export":"get-manifest"},{"export":"get-migrations"},{"export":"get-resources"},
             {"export":"authenticate","headers":[["accept","*/*"],["authorization","Bearer alice"]]},
             {"export":"authenticate","headers":[["authorization","Bearer blocked"]]},
             {"export":"authenticate","headers":[]},
             {"export":"authenticate","headers":[["x-probe","1"]]},
             {"export":"handle","method":"GET","path":"/whoami","query":""}]
            """
        },
        {
            // query-json text (the oracle prints its rows as serde_json does) and raw paths handed over unchanged.
            "wire", """
            [{"export":"get-manifest"},
             {"export":"handle","method":"GET","path":"/json","query":"floats"},
             {"export":"handle","method":"GET","path":"/json","query":"integers"},
             {"export":"handle","method":"GET","path":"/json","query":"strings"},
             {"export":"handle","method":"GET","path":"/json","query":"keys"},
             {"export":"handle","method":"GET","path":"/json","query":"lossy"},
             {"export":"handle","method":"GET","path":"/json","query":"kinds"},
             {"export":"handle","method":"GET","path":"/json","query":"rows"},
             {"export":"handle","method":"GET","path":"/json","query":"empty"},
             {"export":"handle","method":"GET","path":"/a%20b/%C3%A9/x%2Fy","query":"q=%20a+b"}]
            """
        },
        {
            "js-notes", """
            [{"export":"get-manifest"},{"export":"get-migrations"},{"export":"get-resources"},
             {"export":"authenticate","headers":[["accept","*/*"],["authorization","Bearer alice"]]},
             {"export":"authenticate","headers":[["authorization","Bearer blocked"]]},
             {"export":"authenticate","headers":[]},
             {"export":"authenticate","headers":[["x-probe","1"]]},
             {"export":"handle","method":"GET","path":"","query":""},
             {"export":"handle","method":"POST","path":"/add","query":"x"},
             {"export":"handle","method":"POST","path":"/add","query":"%C3%BCn%C3%AFcode"},
             {"export":"handle","method":"GET","path":"","query":""},
             {"export":"handle","method":"GET","path":"/copy","query":"hello"},
             {"export":"handle","method":"GET","path":"/copy","query":"héllo"},
             {"export":"handle","method":"GET","path":"/bad-sql","query":""},
             {"export":"handle","method":"GET","path":"/file","query":"3f2504e0-4f89-41d3-9a0c-0305e82c3301"},
             {"export":"handle","method":"GET","path":"/file","query":"00000000-0000-4000-8000-000000000000"},
             {"export":"handle","method":"GET","path":"/log","query":""},
             {"export":"handle","method":"GET","path":"/fetch","query":""},
             {"export":"handle","method":"GET","path":"/random","query":""},
             {"export":"handle","method":"DELETE","path":"/missing","query":""}]
            """
        },
    };

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Components_give_the_same_results_as_under_the_jco_node_oracle(string plugin, string script)
    {
        var node = FindNode();
        Assert.SkipWhen(node is null, "node is not on PATH; install Node.js to run the jco oracle comparison.");
        Assert.SkipUnless(Directory.Exists(Path.Combine(OracleFolder, "node_modules", "@bytecodealliance", "jco-transpile")),
            "The Node oracle is not installed: run .ci/setup/vtx-oracle.sh (npm ci in tests/Vtx.Tests/oracle).");
        var component = plugin == "js-notes" ? TestPlugins.JavaScript() : TestPlugins.Component(plugin);
        var options = plugin == "js-notes" ? TestPlugins.JavaScriptOptions() : RuntimeFixture.Options;
        var (database, snapshot, files) = PrepareData(plugin);

        var expected = RunOracle(node!, component, snapshot, files, script);
        var actual = RunHost(component, database, files, script, options);

        Assert.Equal(expected, actual);
    }

    public void Dispose() => _folder.Dispose();

    /// <summary>A database with the plugin's schema and one row, a snapshot copy for Node, and one file.</summary>
    private (string Database, string Snapshot, string Files) PrepareData(string plugin)
    {
        var path = _folder.File("host.db");
        var snapshot = _folder.File("oracle.db");
        var files = Directory.CreateDirectory(_folder.File("files")).FullName;
        File.WriteAllText(Path.Combine(files, FileId + ".txt"), "file body");
        var database = TestDatabase.Open(path);
        var table = plugin == "js-notes" ? "js_notes" : "notes";
        database.ApplyMigrations(plugin == "js-notes" ? plugin : "notes",
            [$"CREATE TABLE {table}(id INTEGER PRIMARY KEY, title TEXT NOT NULL, score REAL)", $"ALTER TABLE {table} ADD COLUMN tag TEXT"], [table]);
        Assert.True(database.Execute($"INSERT INTO {table}(title, score, tag) VALUES (?, ?, ?)", [new DbValue.Text("seed"), new DbValue.Real(2.5), new DbValue.Text("t")]).IsOk);
        // The snapshot is the test's own step (plugins may not VACUUM INTO), taken with SQLite directly.
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var vacuum = connection.CreateCommand();
            vacuum.CommandText = "VACUUM INTO $snapshot";
            vacuum.Parameters.AddWithValue("$snapshot", snapshot);
            vacuum.ExecuteNonQuery();
        }
        return (path, snapshot, files);
    }

    private List<string> RunOracle(string node, string component, string database, string files, string script)
    {
        var scriptPath = _folder.File("script.json");
        File.WriteAllText(scriptPath, script);
        using var process = Process.Start(new ProcessStartInfo(node, [Path.Combine(OracleFolder, "oracle.mjs"), component, database, files, scriptPath])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
        })!;
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "oracle.mjs failed: " + error.Result);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonSerializer.Deserialize<string>(line)!).ToList();
    }

    private static List<string> RunHost(string component, string databasePath, string files, string script, VtxHostOptions options)
    {
        using var host = new VtxPluginHost(TestDatabase.Open(databasePath), new DirectoryFileStore(files), options);
        var entrypoint = host.Load(component).Manifest.Entrypoint;

        // get-* calls are not routed by the host; they run on a fresh instance of their own.
        using var runtime = new Vtx.Host.Runtime.VtxRuntime(options);
        var plugin = runtime.Compile(PluginPackage.Load(component));
        var results = new List<string>();
        foreach (var step in JsonDocument.Parse(script).RootElement.EnumerateArray())
        {
            using var instance = plugin.CreateInstance("p", TestDatabase.Open(databasePath).Sql(), new StreamIo(new DirectoryFileStore(files)), options.LoadTimeout);
            results.Add(step.GetProperty("export").GetString() switch
            {
                "get-manifest" => Manifest(instance.GetManifest()),
                "get-migrations" => string.Join('|', instance.GetMigrations()),
                "get-resources" => string.Join('|', instance.GetResources()),
                "authenticate" => Authenticate(host, step.GetProperty("headers")),
                _ => Handle(host, entrypoint, step),
            });
        }

        return results;
    }

    private static string Manifest(Manifest m) => string.Join('|', m.Id, m.Name, m.Version, m.Description, m.Entrypoint);

    private static string Authenticate(VtxPluginHost host, JsonElement headers)
    {
        var result = host.Authenticate(headers.EnumerateArray().Select(h => new KeyValuePair<string, string>(h[0].GetString()!, h[1].GetString()!)).ToList());
        return result.User is { } u ? $"ok({u.UserId}|{u.Username}|{string.Join(',', u.Groups)}|{u.Metadata})" : $"err({result.Status})";
    }

    private static string Handle(VtxPluginHost host, string entrypoint, JsonElement step)
    {
        var result = host.Handle(step.GetProperty("method").GetString()!, entrypoint + step.GetProperty("path").GetString(), step.GetProperty("query").GetString()!);
        using var body = result.Body;
        return $"{result.Status} {(body is null ? "<none>" : Encoding.UTF8.GetString(body.Read(0, body.Size)))}";
    }

    private static string? FindNode() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "node"))
            .FirstOrDefault(File.Exists);
}
