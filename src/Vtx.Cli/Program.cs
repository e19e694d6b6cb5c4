using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vtx.Cli;
using Vtx.Host;
using Vtx.Host.Lifecycle;
using Vtx.Host.Ports;
using CloudRuntimes.Components.Sqlite;

var plugins = new Option<DirectoryInfo>("--plugins") { Description = "Folder of *.vtx / *.wasm plugins", Required = true };
var database = new Option<FileInfo>("--database") { Description = "SQLite database file (created if missing)", DefaultValueFactory = _ => new FileInfo("vtx.db") };
var files = new Option<DirectoryInfo>("--files") { Description = "Folder that stream-io.open-file serves (files named by UUID)", DefaultValueFactory = _ => new DirectoryInfo("files") };
var port = new Option<int>("--port") { Description = "Port on 127.0.0.1", DefaultValueFactory = _ => 8080 };
var watch = new Option<bool>("--watch") { Description = "Reload plugins when files in the plugin folder change" };
var root = new RootCommand("vtx-host: serves VTX plugins (vtx:api@1.2.6, world plugin) over HTTP on 127.0.0.1") { plugins, database, files, port, watch };
root.SetAction(async (parse, cancellationToken) =>
{
    using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
    var folder = parse.GetValue(plugins)!;
    if (!folder.Exists)
    {
        Console.Error.WriteLine($"error: plugin folder {folder.FullName} does not exist");
        return 2;
    }

    try
    {
        // One host per process: Wasmtime's pooling allocator makes instances (one per request) cheaper.
        using var host = new VtxPluginHost(
            new SqlPortDatabase(new SqliteDatabase(parse.GetValue(database)!.FullName)),
            new DirectoryFileStore(parse.GetValue(files)!.FullName),
            new VtxHostOptions { PoolingAllocatorSlots = 100 },
            loggers.CreateLogger<VtxPluginHost>());
        var report = host.LoadDirectory(folder.FullName);
        foreach (var plugin in report.Loaded)
        {
            Console.WriteLine($"loaded {plugin.Manifest.Id} {plugin.Manifest.Version} at {plugin.Manifest.Entrypoint} ({plugin.Format}, schema version {plugin.SchemaVersion})");
        }

        foreach (var failure in report.Failed)
        {
            Console.Error.WriteLine($"failed: {failure.Message}");
        }

        using var watcher = parse.GetValue(watch) ? host.Watch(folder.FullName) : null;
        var url = $"http://127.0.0.1:{parse.GetValue(port)}";
        await using var app = VtxHttpServer.Create(host, url);
        Console.WriteLine($"serving {report.Loaded.Count} plugin(s) on {url}");
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        return report.Failed.Count == 0 ? 0 : 1;
    }
    catch (Exception ex) when (ex is VtxPluginException or IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
    {
        Console.Error.WriteLine($"error: {ex.Message}");
        return 1;
    }
});
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
