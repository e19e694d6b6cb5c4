using System.Diagnostics;
using Vtx.Benchmarks;

// `--node`: the same calls on the same components under jco transpile in Node (tests/Vtx.Tests/oracle/bench.mjs),
// for the side-by-side figures in docs/performance.md; anything else goes to BenchmarkDotNet.
if (args is ["--node", ..])
{
    var folder = Directory.CreateTempSubdirectory("vtx-bench-node-").FullName;
    var database = Path.Combine(folder, "bench.db");
    new Vtx.Host.Ports.SqlPortDatabase(new CloudRuntimes.Components.Sqlite.SqliteDatabase(database)).ApplyMigrations("bench", ["CREATE TABLE bench(x)"], ["bench"], CancellationToken.None);
    var plugins = Path.Combine(folder, "plugins");
    BenchPlugins.RunScript(Path.Combine("tests", "Vtx.Tests", "plugins", "build.sh"), plugins, "install clang and lld");
    foreach (var (name, component, iterations) in new[] { ("C notes component", Path.Combine(plugins, "notes.component.wasm"), "20000"), ("JS js-notes component", BenchPlugins.JavaScript(), "1000") })
    {
        Console.WriteLine($"# {name} under jco transpile in Node");
        using var node = Process.Start("node", [Path.Combine(BenchPlugins.Root, "tests", "Vtx.Tests", "oracle", "bench.mjs"), component, database, folder, iterations]);
        node.WaitForExit();
    }

    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(folder, recursive: true);
    return;
}

BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(BenchPlugins).Assembly).Run(args);
