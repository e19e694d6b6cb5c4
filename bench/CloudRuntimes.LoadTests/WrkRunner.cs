using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace CloudRuntimes.LoadTests;

/// <summary>
/// Runs the same HTTP scenarios with <c>wrk</c> (Debian package <c>wrk</c>, a C load generator that takes less of the
/// shared processors than the .NET driver): <c>wrk -t2 -cN -dSs --latency</c>, parsing its requests/sec, latency
/// distribution (50%, 99%), maximum latency, non-2xx/3xx responses and socket errors.
/// </summary>
internal static partial class WrkRunner
{
    /// <summary>True when <c>wrk</c> is on the PATH.</summary>
    public static bool Available => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(d => File.Exists(Path.Combine(d, "wrk")));

    /// <summary>A GET of <paramref name="url"/>, or a POST of <paramref name="postJson"/> when given.</summary>
    public static async Task<OperationResult> RunAsync(string name, Uri url, string? postJson, int connections, TimeSpan warmUp, TimeSpan duration)
    {
        var script = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(script, postJson is null ? "" : $"wrk.method = \"POST\"\nwrk.body = '{postJson}'\nwrk.headers[\"Content-Type\"] = \"application/json\"\n");
            if (warmUp > TimeSpan.Zero)
            {
                await RunWrkAsync(url, script, connections, warmUp);
            }
            var before = LoadAverage.Read();
            var output = await RunWrkAsync(url, script, connections, duration);
            var after = LoadAverage.Read();
            var requests = long.Parse(Match(RequestsPattern(), output), CultureInfo.InvariantCulture);
            var non2xx = OptionalCount(Non2xxPattern(), output);
            var socket = SocketErrorsPattern().Match(output) is { Success: true } m
                ? Enumerable.Range(1, 4).Sum(g => long.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture))
                : 0;
            var errors = non2xx + socket;
            var perSecond = double.Parse(Match(RatePattern(), output), CultureInfo.InvariantCulture) * (requests - non2xx) / Math.Max(1, requests);
            return new OperationResult(name, requests - non2xx, errors, perSecond,
                Duration(PercentilePattern("50"), output), Duration(PercentilePattern("99"), output), Duration(MaxPattern(), output),
                errors > 0 ? $"wrk: {non2xx} non-2xx/3xx responses, {socket} socket errors" : null, before, after);
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static async Task<string> RunWrkAsync(Uri url, string script, int connections, TimeSpan duration)
    {
        var start = new ProcessStartInfo("wrk") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-t", Math.Min(Environment.ProcessorCount, connections).ToString(CultureInfo.InvariantCulture), "-c", connections.ToString(CultureInfo.InvariantCulture), "-d", $"{(int)Math.Ceiling(duration.TotalSeconds)}s", "--latency", "-s", script, url.ToString() })
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? await output : throw new InvalidOperationException($"wrk exited with {process.ExitCode}: {await error}{await output}");
    }

    private static string Match(Regex pattern, string output) =>
        pattern.Match(output) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException($"unexpected wrk output (no match for {pattern}):\n{output}");

    private static long OptionalCount(Regex pattern, string output) =>
        pattern.Match(output) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;

    /// <summary>A wrk duration such as <c>812.00us</c>, <c>1.23ms</c>, <c>2.01s</c> or <c>1.5m</c>, in milliseconds.</summary>
    private static double Duration(Regex pattern, string output)
    {
        var m = pattern.Match(output);
        if (!m.Success)
        {
            throw new InvalidOperationException($"unexpected wrk output (no match for {pattern}):\n{output}");
        }
        var value = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch
        {
            "us" => value / 1000,
            "ms" => value,
            "s" => value * 1000,
            "m" => value * 60_000,
            "h" => value * 3_600_000,
            var unit => throw new InvalidOperationException($"unknown wrk time unit '{unit}'"),
        };
    }

    private static Regex PercentilePattern(string percent) => new($@"^\s*{percent}%\s+([\d.]+)(us|ms|s|m|h)\s*$", RegexOptions.Multiline);

    [GeneratedRegex(@"^\s*(\d+) requests in ", RegexOptions.Multiline)]
    private static partial Regex RequestsPattern();

    [GeneratedRegex(@"^Requests/sec:\s+([\d.]+)", RegexOptions.Multiline)]
    private static partial Regex RatePattern();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex Non2xxPattern();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrorsPattern();

    [GeneratedRegex(@"^\s*Latency\s+\S+\s+\S+\s+([\d.]+)(us|ms|s|m|h)", RegexOptions.Multiline)]
    private static partial Regex MaxPattern();
}
