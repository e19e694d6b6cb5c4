using BenchmarkDotNet.Attributes;
using Vtx.Host;
using Vtx.Host.Packaging;
using Vtx.Host.Ports;
using Vtx.Host.Runtime;
using Vtx.Protocol;

namespace Vtx.Benchmarks;

/// <summary>What the JavaScript benchmarks share: the plugin set up once, with or without Wasmtime's pooling allocator.</summary>
public abstract class JavaScriptBenchmark : IDisposable
{
    /// <summary><see cref="VtxHostOptions.PoolingAllocatorSlots"/>: 0 (the library's default) or 100 (the runtime server's).</summary>
    [Params(0, 100)]
    public int PoolingSlots { get; set; }

    protected HttpRequest Copy { get; } = new("GET", "/copy", "hello");

    internal JavaScriptSetup Loaded { get; set; } = null!;

    public void Dispose()
    {
        Cleanup();
        GC.SuppressFinalize(this);
    }

    [GlobalCleanup]
    public virtual void Cleanup() => Loaded?.Dispose();
}

/// <summary>
/// The JavaScript test plugin (tests/Vtx.Tests/plugins/js, componentize-js 0.23: SpiderMonkey in a 12 MB component)
/// in the host: <c>GET /copy?hello</c> on a warm instance, the cost of a fresh instance (why heavy plugins get a pool),
/// and a whole request on a fresh instance without a pool. The pooled request is <see cref="JavaScriptPooledRequestBenchmark"/>.
/// </summary>
[MemoryDiagnoser]
public class JavaScriptPluginBenchmarks : JavaScriptBenchmark
{
    private VtxPluginInstance _warm = null!;
    private long _calls;

    [GlobalSetup]
    public void Setup()
    {
        Loaded = new JavaScriptSetup(poolSize: 0, PoolingSlots);
        _warm = Loaded.NewInstance();
    }

    /// <summary>
    /// The warm instance, replaced every 200 calls (about 25 us per call amortized): the JavaScript engine does not
    /// drop the buffer handles it no longer uses, and an instance may hold at most 1024.
    /// </summary>
    [Benchmark(Description = "JS handle /copy (warm instance)")]
    public ushort HandleCopy()
    {
        if (++_calls % 200 == 0)
        {
            _warm.Dispose();
            _warm = Loaded.NewInstance();
        }

        var response = _warm.Handle(Copy);
        response.Body?.Dispose();
        return response.Status;
    }

    [Benchmark(Description = "JS instantiate (fresh instance)")]
    public void Instantiate() => Loaded.NewInstance().Dispose();

    [Benchmark(Description = "JS whole request, fresh instance (no pool)")]
    public ushort WholeRequest()
    {
        using var instance = Loaded.NewInstance();
        var response = instance.Handle(Copy);
        response.Body?.Dispose();
        return response.Status;
    }

    public override void Cleanup()
    {
        _warm?.Dispose();
        base.Cleanup();
    }
}

/// <summary>
/// A whole request to the JavaScript plugin with its instance pool: the instance comes ready from the pool (each
/// iteration waits, untimed, until the pool has one), is given the request's imports, answers, and is disposed. One
/// request per iteration, as requests come one by one; beside it the same single request on a fresh instance.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
[IterationCount(60)]
public class JavaScriptPooledRequestBenchmark : JavaScriptBenchmark
{
    [GlobalSetup]
    public void Setup() => Loaded = new JavaScriptSetup(poolSize: 2, PoolingSlots);

    [IterationSetup]
    public void WaitForPool()
    {
        Loaded.Compiled.Rent("js-notes", Loaded.Database.ForCall(CancellationToken.None), Loaded.StreamIo, TimeSpan.FromSeconds(30)).Dispose();
        while (Loaded.Compiled.PooledInstances < 1)
        {
            Thread.Sleep(1);
        }
    }

    [Benchmark(Description = "JS whole request, pooled instance")]
    public ushort WholeRequest() => Answer(Loaded.Compiled.Rent("js-notes", Loaded.Database.ForCall(CancellationToken.None), Loaded.StreamIo, TimeSpan.FromSeconds(30)));

    [Benchmark(Description = "JS whole request, fresh instance (one per iteration)")]
    public ushort FreshRequest() => Answer(Loaded.NewInstance());

    private ushort Answer(VtxPluginInstance instance)
    {
        using (instance)
        {
            var response = instance.Handle(Copy);
            response.Body?.Dispose();
            return response.Status;
        }
    }
}

/// <summary>The JavaScript plugin built, compiled (through the shared compiled-module cache), with a database and a file store.</summary>
internal sealed class JavaScriptSetup : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "vtx-bench-js-" + Guid.NewGuid().ToString("N"));
    private readonly VtxRuntime _runtime;

    public JavaScriptSetup(int poolSize, int poolingSlots)
    {
        Directory.CreateDirectory(_folder);
        var options = new VtxHostOptions
        {
            InstancePoolSize = poolSize,
            PoolingAllocatorSlots = poolingSlots,
            ModuleCacheDirectory = Path.Combine(Path.GetTempPath(), "vtx-test-module-cache"),
        };
        _runtime = new VtxRuntime(options);
        Compiled = _runtime.Compile(PluginPackage.Load(BenchPlugins.JavaScript()));
        Database = new SqlPortDatabase(new CloudRuntimes.Components.Sqlite.SqliteDatabase(Path.Combine(_folder, "bench.db")));
        StreamIo = new StreamIo(new DirectoryFileStore(_folder));
        NewInstance().Dispose();
    }

    public VtxCompiledPlugin Compiled { get; }

    public SqlPortDatabase Database { get; }

    public StreamIo StreamIo { get; }

    public VtxPluginInstance NewInstance() => Compiled.CreateInstance("js-notes", Database.ForCall(CancellationToken.None), StreamIo, TimeSpan.FromSeconds(30));

    public void Dispose()
    {
        Compiled.Dispose();
        _runtime.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
