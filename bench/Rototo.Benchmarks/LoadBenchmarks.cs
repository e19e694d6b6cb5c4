using BenchmarkDotNet.Attributes;

namespace Rototo.Benchmarks;

/// <summary>Loading (discover, parse, lint, compile) a generated 1,000-variable workspace (issue target: under 500 ms).</summary>
[MemoryDiagnoser]
public class LoadBenchmarks
{
    private string _root = "";

    [GlobalSetup]
    public void Setup() => _root = GeneratedWorkspace.Large(1000);

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_root, recursive: true);

    [Benchmark(Description = "load + lint 1,000 variables")]
    public Workspace LoadAndLint() => Workspace.LoadAsync(_root).GetAwaiter().GetResult();
}
