using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Rototo.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Rototo.Benchmarks.ResolutionBenchmarks).Assembly).Run(args);
