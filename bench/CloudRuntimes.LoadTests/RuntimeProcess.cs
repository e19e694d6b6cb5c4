using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CloudRuntimes.LoadTests;

/// <summary>
/// The real runtime server as a child process: <c>dotnet CloudRuntimes.Host.dll run</c> (or the native AOT executable) on free 127.0.0.1 ports (HTTP and gRPC),
/// a <c>--data</c> directory (embedded SQLite components; a temporary one unless given) and, when given, <c>--app-port</c>
/// pointing to the driver's app.
/// </summary>
internal sealed class RuntimeProcess : IAsyncDisposable
{
    public const string AppId = "load";

    private readonly Process _process;
    private readonly string? _temporaryData;

    private RuntimeProcess(Process process, string? temporaryData, Uri endpoint, Uri grpcEndpoint)
    {
        _process = process;
        _temporaryData = temporaryData;
        Endpoint = endpoint;
        GrpcEndpoint = grpcEndpoint;
    }

    public Uri Endpoint { get; }

    /// <summary>The server's gRPC API (<c>--dapr-grpc-port</c>).</summary>
    public Uri GrpcEndpoint { get; }

    /// <summary>From just before the process was started to the first 2xx answer of <c>/v1.0/healthz</c>.</summary>
    public TimeSpan StartupTime { get; private set; }

    /// <summary>Processor time (user + system) the server had used when it first answered healthy.</summary>
    public TimeSpan StartupProcessorTime { get; private set; }

    /// <summary>The server's working set in bytes when it first answered healthy.</summary>
    public long StartupWorkingSet { get; private set; }

    /// <summary>The server's working set in bytes, now.</summary>
    public long WorkingSet
    {
        get
        {
            _process.Refresh();
            return _process.WorkingSet64;
        }
    }

    /// <summary>Starts the server and waits until it answers healthy.</summary>
    /// <param name="hostAssembly">Path of <c>CloudRuntimes.Host.dll</c>, or of the native AOT executable.</param>
    /// <param name="appPort">The app's port; null for no app.</param>
    /// <param name="data">The <c>--data</c> directory, kept; null for a temporary one, deleted on dispose.</param>
    /// <param name="resources">A <c>--resources-path</c> folder; null for the embedded defaults.</param>
    public static async Task<RuntimeProcess> StartAsync(string hostAssembly, int? appPort, string? data = null, string? resources = null)
    {
        var temporaryData = data is null ? Path.Combine(Path.GetTempPath(), "cr-load-" + Guid.NewGuid().ToString("N")) : null;
        var port = FreePort();
        var grpcPort = FreePort();
        // CloudRuntimes.Host.dll runs with dotnet; anything else is the native executable (dotnet publish -p:PublishAot=true).
        var managed = hostAssembly.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var start = new ProcessStartInfo(managed ? "dotnet" : hostAssembly) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])[.. managed ? [hostAssembly] : Array.Empty<string>(), "run", "--app-id", AppId, "--port", port.ToString(CultureInfo.InvariantCulture), "--dapr-grpc-port", grpcPort.ToString(CultureInfo.InvariantCulture), "--data", data ?? temporaryData!, "--log-level", "warn"])
        {
            start.ArgumentList.Add(arg);
        }
        if (resources is not null)
        {
            start.ArgumentList.Add("--resources-path");
            start.ArgumentList.Add(resources);
        }
        if (appPort is { } app)
        {
            start.ArgumentList.Add("--app-port");
            start.ArgumentList.Add(app.ToString(CultureInfo.InvariantCulture));
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var clock = Stopwatch.StartNew();
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start");
        process.OutputDataReceived += (_, e) => Forward(e.Data);
        process.ErrorDataReceived += (_, e) => Forward(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var runtime = new RuntimeProcess(process, temporaryData, new Uri($"http://127.0.0.1:{port}/"), new Uri($"http://127.0.0.1:{grpcPort}/"));
        await runtime.WaitHealthyAsync();
        runtime.StartupTime = clock.Elapsed;
        process.Refresh();
        runtime.StartupProcessorTime = process.TotalProcessorTime;
        runtime.StartupWorkingSet = process.WorkingSet64;
        return runtime;
    }

    /// <summary>Finds the server built beside this driver (same configuration), e.g. <c>src/CloudRuntimes.Host/bin/Release/net10.0</c>.</summary>
    public static string BuiltHost()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CloudRuntimes.slnx")))
        {
            directory = directory.Parent;
        }
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        return Path.Combine(directory?.FullName ?? AppContext.BaseDirectory, "src", "CloudRuntimes.Host", "bin", configuration, "net10.0", "CloudRuntimes.Host.dll");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        if (_temporaryData is not null && Directory.Exists(_temporaryData))
        {
            Directory.Delete(_temporaryData, recursive: true);
        }
    }

    private static void Forward(string? line)
    {
        if (line is not null)
        {
            Console.Error.WriteLine($"[server] {line}");
        }
    }

    private async Task WaitHealthyAsync()
    {
        // Polled every 5 ms, so that the start-up time measured is within a few milliseconds of the server's.
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(Endpoint, "v1.0/healthz"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(5);
        }
        throw new InvalidOperationException($"the runtime server did not become healthy at {Endpoint} (exited: {_process.HasExited})");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
