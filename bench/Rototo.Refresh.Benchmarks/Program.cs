using BenchmarkDotNet.Running;
using Rototo.Refresh.Benchmarks;

// `--loop [seconds]` runs the quick timed loop (a few seconds, percentiles); anything else goes to BenchmarkDotNet.
if (args is ["--loop", ..])
{
    var seconds = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5;
    await TimedLoop.RunAsync(TimeSpan.FromSeconds(seconds));
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(RefreshResolutionBenchmarks).Assembly).Run(args);
