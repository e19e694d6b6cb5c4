using System.Diagnostics;
using System.Text;
using Rototo.Tests.Support;

namespace Rototo.Tests.Cli;

/// <summary>
/// SIGTERM and Ctrl-C (SIGINT) end a busy <c>rototo</c> command promptly with the conventional exit code (143, 130),
/// as a real process: lint of a workspace of 500 variables of 200 values each, CPU-bound work that takes seconds.
/// </summary>
public sealed class InterruptionTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "rototo-interrupt-" + Guid.NewGuid().ToString("N"));

    public InterruptionTests()
    {
        var variables = Directory.CreateDirectory(Path.Combine(_root, "variables")).FullName;
        File.WriteAllText(Path.Combine(_root, "rototo-workspace.toml"), "schema_version = 1\n");
        var values = new StringBuilder();
        for (var j = 0; j < 200; j++)
        {
            values.Append(System.Globalization.CultureInfo.InvariantCulture, $"k{j} = \"value {j}\"\n");
        }
        var variable = $"schema_version = 1\ntype = \"string\"\n[values]\n{values}[resolve]\ndefault = \"k0\"\n";
        for (var i = 0; i < 500; i++)
        {
            File.WriteAllText(Path.Combine(variables, $"v{i}.toml"), variable);
        }
    }

    [Theory]
    [InlineData("TERM", 143)]
    [InlineData("INT", 130)]
    public async Task A_signal_ends_a_busy_lint_with_the_conventional_exit_code(string signal, int exitCode)
    {
        var start = RototoCommand.StartInfo(_root, ["lint", "--json"]);
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);

        // Busy: 1.5 s of CPU spent by all its threads (start-up included) on a lint that takes several.
        while (!process.HasExited && CpuSeconds(process.Id) < 1.5)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        Assert.False(process.HasExited, "the lint ended before it could be interrupted");
        using (var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        // Generous: the command gives the lint 1 s to stop, then exits whether or not it did.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await process.WaitForExitAsync(timeout.Token);
        Assert.Equal(exitCode, process.ExitCode);
        Assert.DoesNotContain("   at ", await stderr, StringComparison.Ordinal);
        _ = await stdout;
    }

    /// <summary>User and system time of every thread of a process, from <c>/proc/PID/stat</c> (in clock ticks of 1/100 s);
    /// 0 once it is gone. (<see cref="Process.TotalProcessorTime"/> counts the main thread only, which waits here.)</summary>
    private static double CpuSeconds(int pid)
    {
        try
        {
            var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
