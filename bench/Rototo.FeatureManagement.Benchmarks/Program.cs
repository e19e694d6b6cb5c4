using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Rototo.FeatureManagement.Benchmarks -- --filter '*' --job short
BenchmarkSwitcher.FromAssembly(typeof(Rototo.FeatureManagement.Benchmarks.TargetingComparisonBenchmarks).Assembly).Run(args);
