using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// One runtime server process (<c>cloud-runtimes run</c>) started with the arguments and environment a test chooses,
/// its standard output and error collected line by line; killed on dispose.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private ServerProcess(Process process, Uri endpoint, Uri grpcEndpoint)
    {
        _process = process;
        Endpoint = endpoint;
        GrpcEndpoint = grpcEndpoint;
    }

    public Uri Endpoint { get; }

    /// <summary>The gRPC API (<c>--dapr-grpc-port</c>, a free port chosen at start).</summary>
    public Uri GrpcEndpoint { get; }

    public Process Process => _process;

    /// <summary>Everything written to standard output and error so far.</summary>
    public string Output => string.Join('\n', _lines);

    /// <summary>
    /// Starts a server (data in <c>{root}/data</c>) whose only component is the rototo configuration store <c>config</c>
    /// over <paramref name="workspace"/>, refreshing it every second (the component file in <c>{root}/components</c>).
    /// </summary>
    public static ServerProcess StartWithConfigRefreshingEverySecond(string root, string workspace) =>
        StartWithConfig(root, workspace, "\n  - name: refreshPeriodSeconds\n    value: \"1\"", null);

    /// <summary>
    /// Starts a server (data in <c>{root}/data</c>) whose only component is the rototo configuration store <c>config</c>
    /// over <paramref name="workspace"/>, loaded once, with <paramref name="environment"/> (e.g. a capped GC heap).
    /// </summary>
    public static ServerProcess StartWithConfig(string root, string workspace, IReadOnlyDictionary<string, string> environment) =>
        StartWithConfig(root, workspace, "", environment);

    private static ServerProcess StartWithConfig(string root, string workspace, string moreMetadata, IReadOnlyDictionary<string, string>? environment)
    {
        var components = Directory.CreateDirectory(Path.Combine(root, "components")).FullName;
        File.WriteAllText(Path.Combine(components, "config.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: config
            spec:
              type: configuration.rototo
              version: v1
              metadata:
              - name: source
                value: "{workspace}"{moreMetadata}
            """);
        return Start(Path.Combine(root, "data"), environment, "--components-path", components);
    }

    /// <summary>Starts <c>run --port {free} --dapr-grpc-port {free} --data {data}</c> plus <paramref name="arguments"/>.</summary>
    public static ServerProcess Start(string data, IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        StartOnPort(FreePorts.Next(), data, environment, arguments);

    /// <summary>As <see cref="Start"/> on a new data folder under the temporary folder (named <c>{prefix}-{guid}</c>), once it answers its health check.</summary>
    public static async Task<ServerProcess> StartHealthyAsync(string prefix, params string[] arguments)
    {
        var server = Start(TempFolders.New(prefix + "-"), null, arguments);
        using var http = new HttpClient();
        await server.WaitHealthyAsync(http);
        return server;
    }

    /// <summary>Starts <c>run --port {port} --dapr-grpc-port {free} --data {data}</c> plus <paramref name="arguments"/>.</summary>
    public static ServerProcess StartOnPort(int port, string data, IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        Launch(port, data, environment, null, arguments);

    /// <summary>As <see cref="Start"/>, run from <paramref name="workingDirectory"/> (where relative paths of its files resolve).</summary>
    public static ServerProcess StartIn(string workingDirectory, string data, params string[] arguments) =>
        Launch(FreePorts.Next(), data, null, workingDirectory, arguments);

    private static ServerProcess Launch(int port, string data, IReadOnlyDictionary<string, string>? environment, string? workingDirectory, string[] arguments)
    {
        var grpcPort = FreePorts.Next();
        var start = RuntimeProcesses.ServerStart(["run", "--port", port.ToString(CultureInfo.InvariantCulture), "--dapr-grpc-port", grpcPort.ToString(CultureInfo.InvariantCulture), "--data", data, .. arguments]);
        start.WorkingDirectory = workingDirectory ?? "";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        var server = new ServerProcess(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}/"), new Uri($"http://127.0.0.1:{grpcPort}/"));
        server._process.OutputDataReceived += (_, e) => server.Collect(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Collect(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Waits until <c>/v1.0/healthz</c> answers; fails with the output when the process exits first.</summary>
    public async Task WaitHealthyAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(Endpoint, "v1.0/healthz"));
                if ((int)response.StatusCode < 500)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            Assert.False(_process.HasExited || DateTime.UtcNow > deadline, $"the server did not come up:\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>Waits until a line of output contains every one of <paramref name="parts"/>; returns it.</summary>
    public async Task<string> WaitForLineAsync(TimeSpan timeout, params string[] parts)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var line = _lines.FirstOrDefault(l => parts.All(p => l.Contains(p, StringComparison.Ordinal)));
            if (line is not null)
            {
                return line;
            }
            Assert.False(DateTime.UtcNow > deadline, $"no output line contains [{string.Join(", ", parts)}] after {timeout}:\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>Waits until the output (all lines) contains every one of <paramref name="parts"/>.</summary>
    public async Task WaitForOutputAsync(TimeSpan timeout, params string[] parts)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!parts.All(p => Output.Contains(p, StringComparison.Ordinal)))
        {
            Assert.False(DateTime.UtcNow > deadline, $"the output does not contain [{string.Join(", ", parts)}] after {timeout}:\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>Waits for the process to exit; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the server was still running after {timeout}:\n{Output}");
        }
        _process.WaitForExit(); // the output is complete only after this
        return _process.ExitCode;
    }

    /// <summary>CPU time (user and system) the process has used so far.</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>Ends the process at once (SIGKILL): nothing of it runs, no exit handler.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }
        _process.Dispose();
    }

    private void Collect(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
        }
    }
}
