using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace CloudRuntimes.Benchmarks;

/// <summary>
/// A short in-process job (3 warm-up and 8 measured iterations), grouped by category so that each component
/// operation sits next to its raw back-end baseline with a Ratio column.
/// </summary>
public sealed class ShortInProcessConfig : ManualConfig
{
    /// <summary>Creates the configuration.</summary>
    public ShortInProcessConfig()
    {
        AddLogger([.. DefaultConfig.Instance.GetLoggers()]);
        AddColumnProvider([.. DefaultConfig.Instance.GetColumnProviders()]);
        AddExporter([.. DefaultConfig.Instance.GetExporters()]);
        AddAnalyser([.. DefaultConfig.Instance.GetAnalysers()]);
        AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(8));
        AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default);
        AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByCategory);
        AddColumn(CategoriesColumn.Default);
        Options |= ConfigOptions.JoinSummary;
        WithOption(ConfigOptions.DisableOptimizationsValidator, true);
    }
}
