using BenchmarkDotNet.Attributes;
using Vtx.Host.Lifecycle;
using Vtx.Host.Packaging;
using Vtx.Host.Ports;
using Vtx.Host.Runtime;
using CloudRuntimes.Components.Sqlite;
using Vtx.Protocol;

namespace Vtx.Benchmarks;

/// <summary>
/// Per-call cost of the canonical-ABI binding on the freestanding C test plugin "notes"
/// (tests/Vtx.Tests/plugins, built by its build.sh; needs clang and lld), as a bare core module and as the
/// component wasm-component-ld makes of it (three core modules linked by the host's component linker):
/// calls on a warm instance, and whole requests through <see cref="VtxPluginHost"/> with a fresh instance.
/// </summary>
[MemoryDiagnoser]
public class PluginCallBenchmarks : IDisposable
{
    /// <summary>The packaging of the plugin: <c>core</c> (notes.core.wasm) or <c>component</c> (notes.component.wasm).</summary>
    [Params("core", "component")]
    public string Packaging { get; set; } = "core";

    /// <summary><see cref="Vtx.Host.VtxHostOptions.PoolingAllocatorSlots"/>: 0 (the library's default) or 100 (the runtime server's).</summary>
    [Params(0, 100)]
    public int PoolingSlots { get; set; }

    private long _calls;
    private string _folder = "";
    private VtxRuntime _runtime = null!;
    private VtxCompiledPlugin _compiled = null!;
    private VtxPluginInstance _warm = null!;
    private VtxPluginHost _host = null!;
    private SqlPortDatabase _database = null!;
    private StreamIo _streamIo = null!;
    private readonly HttpRequest _copy = new("GET", "/copy", "hello");
    private readonly HttpRequest _list = new("GET", "", "");

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "vtx-bench-" + Guid.NewGuid().ToString("N"));
        var plugins = Path.Combine(_folder, "plugins");
        Build(plugins);
        var notes = Path.Combine(plugins, $"notes.{Packaging}.wasm");
        _database = new SqlPortDatabase(new SqliteDatabase(Path.Combine(_folder, "bench.db")));
        _streamIo = new StreamIo(new DirectoryFileStore(_folder));
        var options = new Vtx.Host.VtxHostOptions { PoolingAllocatorSlots = PoolingSlots };
        _runtime = new VtxRuntime(options);
        _compiled = _runtime.Compile(PluginPackage.Load(notes));
        _host = new VtxPluginHost(_database, new DirectoryFileStore(_folder), options);
        _host.Load(notes);
        _host.Handle("POST", "/notes/add", "first").Body?.Dispose();
        _warm = NewInstance();
    }

    /// <summary>
    /// The warm instance: the test plugin's bump allocator never frees, so it is replaced every
    /// 10,000 calls (about 2 ns per call amortized) to stay inside the memory limit.
    /// </summary>
    private VtxPluginInstance Warm()
    {
        if (++_calls % 10_000 == 0)
        {
            _warm.Dispose();
            _warm = NewInstance();
        }

        return _warm;
    }

    [Benchmark(Description = "get-manifest (warm instance)")]
    public Manifest GetManifest() => Warm().GetManifest();

    [Benchmark(Description = "handle + one buffer round trip (warm)")]
    public ushort HandleBuffer()
    {
        var response = Warm().Handle(_copy);
        response.Body?.Dispose();
        return response.Status;
    }

    [Benchmark(Description = "handle + one query-json (warm)")]
    public ushort HandleQuery()
    {
        var response = Warm().Handle(_list);
        response.Body?.Dispose();
        return response.Status;
    }

    [Benchmark(Description = "whole request, fresh instance")]
    public int WholeRequest()
    {
        var result = _host.Handle("GET", "/notes/copy", "hello");
        result.Body?.Dispose();
        return result.Status;
    }

    public void Dispose()
    {
        Cleanup();
        GC.SuppressFinalize(this);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (!Directory.Exists(_folder))
        {
            return;
        }

        _warm.Dispose();
        _host.Dispose();
        _runtime.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private VtxPluginInstance NewInstance() => _compiled.CreateInstance("notes", _database.ForCall(CancellationToken.None), _streamIo, TimeSpan.FromSeconds(5));

    private static void Build(string output) => BenchPlugins.RunScript(Path.Combine("tests", "Vtx.Tests", "plugins", "build.sh"), output, "install clang and lld");
}
