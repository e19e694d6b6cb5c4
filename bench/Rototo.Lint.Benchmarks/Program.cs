using System.Diagnostics;
using BenchmarkDotNet.Running;
using Rototo.Lint.Benchmarks;

// dotnet run -c Release --project bench/Rototo.Lint.Benchmarks -- --filter '*' --job short
// A quick look without BenchmarkDotNet: dotnet run -c Release --project bench/Rototo.Lint.Benchmarks -- --quick
if (args is ["--quick"])
{
    foreach (var luaRule in new[] { true, false })
    {
        var benchmark = new CustomLintBenchmarks { Variables = 1000, LuaRule = luaRule };
        benchmark.Setup();
        for (var i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            benchmark.Lint();
            Console.WriteLine($"lua rule {luaRule}: {watch.ElapsedMilliseconds} ms wall, {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds:F0} ms CPU");
        }
        benchmark.Cleanup();
    }
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(CustomLintBenchmarks).Assembly).Run(args);
