// Cloud Runtimes component overhead against the raw back end, side by side in one run.
//   dotnet run -c Release --project bench/CloudRuntimes.Benchmarks -- --filter '*'
// Redis benchmarks need a running redis-server: set CR_BENCH_REDIS=127.0.0.1:6379 (they are skipped otherwise).
BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, new CloudRuntimes.Benchmarks.ShortInProcessConfig());

/// <summary>Entry point.</summary>
public partial class Program;
