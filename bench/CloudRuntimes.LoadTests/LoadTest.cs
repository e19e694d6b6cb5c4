using System.Diagnostics;
using System.Globalization;

namespace CloudRuntimes.LoadTests;

/// <summary>Command-line settings: concurrency, durations and the server assembly to start.</summary>
internal sealed record LoadSettings(int Connections, TimeSpan Duration, TimeSpan WarmUp, TimeSpan DeliveryTimeout, string Server, string? Redis = null, string? Postgres = null);

/// <summary>The two modes: the scenarios side by side with in-process calls, and the soak.</summary>
internal static class LoadTest
{
    /// <summary>
    /// State get, state save+get, invoke and publish, each over HTTP (with wrk when installed) and then over gRPC in the same
    /// run against the same server, the state rows also in-process; each publish row is followed by its delivery check.
    /// </summary>
    /// <returns>0 when no request failed and no message was lost; 1 otherwise.</returns>
    public static async Task<int> ScenariosAsync(LoadSettings settings)
    {
        await using var app = await LoadApp.StartAsync();
        using var backends = StateBackends.From(settings);
        await using var runtime = await RuntimeProcess.StartAsync(settings.Server, app.Port, resources: backends?.Resources);
        using var http = new HttpOperations(runtime.Endpoint, settings.Connections);
        await http.PresaveAsync(HttpOperations.Store);
        foreach (var (store, _) in backends?.Stores ?? [])
        {
            await http.PresaveAsync(store);
        }
        using var grpc = new GrpcOperations(runtime.GrpcEndpoint);
        await using var inProcess = await InProcessOperations.CreateAsync();

        Report.Header(settings.Connections, settings.Duration, settings.Server);
        Task<OperationResult> Driver(LoadOperation operation) => RunAsync(operation, settings);
        Task<OperationResult>? Wrk(string name, string path, string? postJson) => WrkRunner.Available
            ? WrkRunner.RunAsync(name, new Uri(runtime.Endpoint, path), postJson, settings.Connections, settings.WarmUp, settings.Duration)
            : null;
        var scenarios = new Func<Task<OperationResult>?>[]
        {
            () => Driver(http.BareGet(new Uri($"http://127.0.0.1:{app.Port}/bare"))),
            () => Driver(http.StateGet),
            () => Driver(grpc.StateGet),
        }.Concat((backends?.Stores ?? []).Select(s => (Func<Task<OperationResult>?>)(() => Driver(http.StateGetFrom(s.Store, $"state get ({s.Type})"))))).Concat(
        [
            () => Wrk("state get (wrk)", $"v1.0/state/{HttpOperations.Store}/{HttpOperations.PresavedKey}", null),
            () => Driver(inProcess.StateGet),
            () => Driver(http.StateSaveGet),
            () => Driver(grpc.StateSaveGet),
            () => Driver(inProcess.StateSaveGet),
            () => Driver(http.Invoke),
            () => Driver(grpc.Invoke),
            () => Wrk("invoke (wrk)", $"v1.0/invoke/{RuntimeProcess.AppId}/method/echo", """{"n":1}"""),
        ]);
        long errors = 0;
        foreach (var scenario in scenarios)
        {
            if (scenario() is { } run)
            {
                var result = await run;
                Report.Row(result);
                errors += result.Errors;
            }
        }
        // Each publish row drains before the next starts, so the gRPC row does not compete with the HTTP row's backlog.
        long lost = 0;
        var deliveries = new List<(string Name, DeliveryCheck Check)>();
        foreach (var (publish, published) in new[] { (http.Publish, http.Published), (grpc.Publish, grpc.Published) })
        {
            var result = await Driver(publish);
            Report.Row(result);
            errors += result.Errors;
            var delivery = await DeliveryCheck.WaitAsync(published, app.Delivered, settings.DeliveryTimeout);
            deliveries.Add((publish.Name, delivery));
            lost += delivery.Lost;
        }
        if (!WrkRunner.Available)
        {
            Console.WriteLine();
            Console.WriteLine("wrk is not installed (apt-get install wrk): the wrk rows were left out");
        }
        Console.WriteLine();
        foreach (var (name, delivery) in deliveries)
        {
            Console.Write($"{name}: ");
            Report.Delivery(delivery);
        }
        return errors == 0 && lost == 0 ? 0 : 1;
    }

    private static async Task<OperationResult> RunAsync(LoadOperation operation, LoadSettings settings) =>
        (await LoadRunner.RunAsync([operation], settings.Connections, settings.WarmUp, settings.Duration)).Single();

    /// <summary>
    /// Mixed load (each worker cycles state save+get, publish, invoke) for the settings' duration after a warm-up;
    /// reports errors, published vs delivered ids, and the server's working set after the warm-up, every 10 s and at the end.
    /// </summary>
    /// <returns>0 when no request failed and no message was lost; 1 otherwise.</returns>
    public static async Task<int> SoakAsync(LoadSettings settings)
    {
        await using var app = await LoadApp.StartAsync();
        await using var runtime = await RuntimeProcess.StartAsync(settings.Server, app.Port);
        using var http = new HttpOperations(runtime.Endpoint, settings.Connections);

        Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {LoadAverage.Cores} processors, soak: {settings.Connections} connections, {settings.Duration.TotalSeconds:0} s of state save+get / publish / invoke");
        using var sampling = new CancellationTokenSource();
        Task? sampler = null;
        long start = 0;
        var results = await LoadRunner.RunAsync([http.StateSaveGet, http.Publish, http.Invoke], settings.Connections, settings.WarmUp, settings.Duration, () =>
        {
            start = runtime.WorkingSet;
            Console.WriteLine($"server working set after the {settings.WarmUp.TotalSeconds:0} s warm-up: {Report.Megabytes(start)} (load avg {LoadAverage.Read()})");
            sampler = SampleAsync(runtime, sampling.Token);
        });
        var end = runtime.WorkingSet;
        await sampling.CancelAsync();
        await sampler!;
        Console.WriteLine($"server working set at the end: {Report.Megabytes(end)} (load avg {LoadAverage.Read()})");
        Console.WriteLine();
        Console.WriteLine("| operation | req/s | p50 ms | p99 ms | max ms | requests | errors | load avg before | load avg after |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---|---|");
        foreach (var result in results)
        {
            Report.Row(result);
        }
        var delivery = await DeliveryCheck.WaitAsync(http.Published, app.Delivered, settings.DeliveryTimeout);
        Console.WriteLine();
        Report.Delivery(delivery);
        Console.WriteLine($"server working set after delivery: {Report.Megabytes(runtime.WorkingSet)}");
        var errors = results.Sum(r => r.Errors);
        var verdict = errors == 0 && delivery.Lost == 0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"soak {(verdict ? "passed" : "FAILED")}: {errors} errors, {delivery.Lost} lost messages, working set {Report.Megabytes(start)} -> {Report.Megabytes(end)}"));
        return verdict ? 0 : 1;
    }

    private static async Task SampleAsync(RuntimeProcess runtime, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), stop);
                Console.WriteLine($"  t={clock.Elapsed.TotalSeconds:0} s: server working set {Report.Megabytes(runtime.WorkingSet)} (load avg {LoadAverage.Read()})");
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
