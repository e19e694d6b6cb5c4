using System.Globalization;

namespace CloudRuntimes.LoadTests;

/// <summary>Prints results as a Markdown table (ready for <c>docs/load-test.md</c>) with the load average around each run.</summary>
internal static class Report
{
    public static void Header(int connections, TimeSpan duration, string server)
    {
        Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {LoadAverage.Cores} processors, {connections} connections, {duration.TotalSeconds:0} s per scenario");
        Console.WriteLine($"server: {server}");
        Console.WriteLine();
        Console.WriteLine("| scenario | req/s | p50 ms | p99 ms | max ms | requests | errors | load avg before | load avg after |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---|---|");
    }

    public static void Row(OperationResult result)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {result.Name} | {result.PerSecond:0} | {result.P50:0.00} | {result.P99:0.00} | {result.Max:0.0} | {result.Completed} | {result.Errors} | {result.LoadBefore} | {result.LoadAfter} |"));
        if (result.FirstError is not null)
        {
            Console.Error.WriteLine($"  first error of {result.Name}: {result.FirstError}");
        }
    }

    public static void Delivery(DeliveryCheck check) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"delivery: {check.Published} published (acknowledged), {check.Delivered} of them delivered, {check.Lost} lost, {check.Redelivered} delivered more than once; backlog at the last publish {check.Backlog}, delivered in {check.Drain.TotalSeconds:0.0} s ({check.Backlog / Math.Max(check.Drain.TotalSeconds, 0.001):0} messages/s)"));

    public static string Megabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):0.0} MiB");
}
