using BenchmarkDotNet.Attributes;

namespace Rototo.Benchmarks;

/// <summary>
/// Variable resolution on the synchronous path (issue target: under 250 ns and no allocation from an already-validated
/// context). Three shapes — one qualifier rule, a bucket rule, a five-rule chain — each measured three ways:
/// the context validated once before (the hot-loop case), validation switched off, and a new context parsed and
/// validated on every call (the worst case).
/// </summary>
[MemoryDiagnoser]
public class ResolutionBenchmarks
{
    private const string ContextJson = """{"user":{"id":"user-123","tier":"free","country":"DE","seats":12}}""";

    private string _root = "";
    private Workspace _workspace = null!;
    private ResolveContext _validated = null!;

    [Params("one-rule", "bucket-rule", "five-rules")]
    public string Variable { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _root = GeneratedWorkspace.Resolution();
        _workspace = Workspace.LoadAsync(_root).GetAwaiter().GetResult();
        _validated = ResolveContext.FromJson(ContextJson);
        _workspace.ValidateContext(_validated);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_root, recursive: true);

    [Benchmark(Baseline = true, Description = "validated context")]
    public VariableResolution ValidatedContext() => _workspace.ResolveVariable(Variable, _validated);

    [Benchmark(Description = "validation off")]
    public VariableResolution ValidationOff() => _workspace.ResolveVariable(Variable, _validated, validateContext: false);

    [Benchmark(Description = "parse + validate each call")]
    public VariableResolution ParseAndValidate() => _workspace.ResolveVariable(Variable, ResolveContext.FromJson(ContextJson));
}
