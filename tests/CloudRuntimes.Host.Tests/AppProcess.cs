using System.Collections.Concurrent;
using System.Diagnostics;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// An example app of <c>examples/</c> (its built assembly) as a real process on a 127.0.0.1 port, run from its output
/// folder in the Production environment, its output collected; killed on dispose.
/// </summary>
internal sealed class AppProcess : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _lines = new();

    private AppProcess(Process process, Uri endpoint)
    {
        Process = process;
        Endpoint = endpoint;
    }

    /// <summary>The app's base address, <c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri Endpoint { get; }

    public Process Process { get; }

    /// <summary>Everything the app wrote so far.</summary>
    public string Output => string.Join('\n', _lines);

    /// <summary>Starts <c>dotnet {project}/bin/.../{assembly} --urls http://127.0.0.1:{port}</c> plus <paramref name="arguments"/>.</summary>
    public static AppProcess Start(string project, string assembly, int port, params string[] arguments)
    {
        var built = RuntimeProcesses.Built(project, assembly);
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(built)!,
        };
        foreach (var argument in (string[])[built, "--urls", $"http://127.0.0.1:{port}", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var app = new AppProcess(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}/"));
        app.Process.OutputDataReceived += (_, e) => app.Collect(e.Data);
        app.Process.ErrorDataReceived += (_, e) => app.Collect(e.Data);
        app.Process.BeginOutputReadLine();
        app.Process.BeginErrorReadLine();
        return app;
    }

    /// <summary>Polls <paramref name="condition"/> every 100 ms until it holds; fails after 30 s or when the app exits, with its output.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.False(DateTime.UtcNow > deadline || Process.HasExited, $"timed out waiting until {what} (app exited: {Process.HasExited}):\n{Output}");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }
        Process.Dispose();
    }

    private void Collect(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
        }
    }
}
