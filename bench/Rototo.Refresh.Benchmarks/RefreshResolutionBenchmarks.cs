using BenchmarkDotNet.Attributes;

namespace Rototo.Refresh.Benchmarks;

/// <summary>
/// Resolution latency through a <see cref="RefreshingWorkspace"/> without refreshes and with refreshes every 100 ms
/// (issue 7 target: within 2x). Run: <c>dotnet run -c Release --project bench/Rototo.Refresh.Benchmarks -- --filter '*'</c>.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class RefreshResolutionBenchmarks
{
    private StorefrontWorkspace _storefront = null!;

    /// <summary>How the workspace is refreshed while the benchmark resolves.</summary>
    [Params(RefreshMode.None, RefreshMode.GitEvery100Ms, RefreshMode.LocalReloadEvery100Ms)]
    public RefreshMode Mode { get; set; }

    /// <summary>Loads the workspace and validates the context once.</summary>
    [GlobalSetup]
    public void Setup() => _storefront = StorefrontWorkspace.StartAsync(Mode).GetAwaiter().GetResult();

    /// <summary>Stops refreshing and removes temporary files.</summary>
    [GlobalCleanup]
    public void Cleanup() => _storefront.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>One variable resolution (context already validated).</summary>
    /// <returns>The resolution.</returns>
    [Benchmark]
    public VariableResolution ResolveVariable() => _storefront.Workspace.ResolveVariable(StorefrontWorkspace.Variable, _storefront.Context);
}
