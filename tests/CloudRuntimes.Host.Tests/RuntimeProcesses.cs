using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// Starts the real test app and the real runtime server (<c>cloud-runtimes run</c>) as separate processes on free
/// 127.0.0.1 ports, with the embedded SQLite defaults in a temporary data directory and the project's example rototo
/// workspace as the configuration store. Shared by the tests of a collection; stopped at the end.
/// </summary>
public sealed class RuntimeProcesses : IAsyncLifetime
{
    public const string AppId = "e2e";
    public const string SecretName = "CLOUD_RUNTIMES_E2E_SECRET";
    public const string SecretValue = "s3cr3t";

    private readonly List<Process> _processes = [];
    private readonly Dictionary<Uri, Process> _runtimes = [];
    private readonly Dictionary<Uri, Uri> _grpcEndpoints = [];
    private readonly string _data = TempFolders.New("cr-e2e-");

    public Uri RuntimeEndpoint { get; private set; } = null!;

    /// <summary>The gRPC API of the shared runtime (<c>--dapr-grpc-port</c>).</summary>
    public Uri RuntimeGrpcEndpoint => GrpcEndpoint(RuntimeEndpoint);

    public Uri AppEndpoint { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public static string RepositoryRoot
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CloudRuntimes.slnx")))
            {
                directory = directory.Parent;
            }
            return directory?.FullName ?? throw new InvalidOperationException("CloudRuntimes.slnx not found above the test binaries");
        }
    }

    public async ValueTask InitializeAsync()
    {
        var appPort = FreePorts.Next();
        AppEndpoint = await StartAppAsync(appPort);

        RuntimeEndpoint = await StartRuntimeAsync(_data, appPort, null);
    }

    /// <summary>Starts a test app listening on <paramref name="port"/> and waits until it answers.</summary>
    public async Task<Uri> StartAppAsync(int port)
    {
        var endpoint = new Uri($"http://127.0.0.1:{port}/");
        var app = Start(Built("tests/CloudRuntimes.TestApp", "CloudRuntimes.TestApp.dll"), ["--urls", endpoint.ToString().TrimEnd('/')], null);
        await WaitAsync(new Uri(endpoint, "received"), app);
        return endpoint;
    }

    /// <summary>
    /// Starts the gRPC test app (<c>tests/CloudRuntimes.GrpcTestApp</c>: Dapr.AspNetCore, AppCallbackBase) on
    /// <paramref name="port"/>, its DaprClient pointed at a runtime, and waits until its port accepts connections.
    /// </summary>
    public async Task StartGrpcAppAsync(int port, Uri runtimeHttp, Uri runtimeGrpc)
    {
        var environment = new Dictionary<string, string>
        {
            ["DAPR_HTTP_ENDPOINT"] = runtimeHttp.ToString().TrimEnd('/'),
            ["DAPR_GRPC_ENDPOINT"] = runtimeGrpc.ToString().TrimEnd('/'),
        };
        var app = Start(Built("tests/CloudRuntimes.GrpcTestApp", "CloudRuntimes.GrpcTestApp.dll"), ["--urls", $"http://127.0.0.1:{port}"], environment);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var socket = new TcpClient();
                await socket.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !app.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Starts another runtime process (e.g. with an API token) sharing nothing with the first.</summary>
    public async Task<Uri> StartRuntimeAsync(string dataDirectory, int? appPort, string? apiToken, params string[] extraArgs)
    {
        var endpoint = StartRuntime(dataDirectory, appPort, apiToken, extraArgs);
        await WaitAsync(new Uri(endpoint, "v1.0/healthz"), _runtimes[endpoint]);
        return endpoint;
    }

    /// <summary>Waits until a runtime started by <see cref="StartRuntime"/> answers its health check, at most <paramref name="timeout"/>.</summary>
    public Task WaitForRuntimeAsync(Uri endpoint, TimeSpan timeout) => WaitAsync(new Uri(endpoint, "v1.0/healthz"), _runtimes[endpoint], timeout);

    /// <summary>Waits, at most 20 s, until a runtime answers its health check with 204: started, with its app channel ready.</summary>
    public async Task WaitUntilReadyAsync(Uri endpoint)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            using var response = await Http.GetAsync(new Uri(endpoint, "v1.0/healthz"));
            if (response.StatusCode == System.Net.HttpStatusCode.NoContent)
            {
                return;
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Starts a runtime process without waiting for it; returns its endpoint.</summary>
    public Uri StartRuntime(string dataDirectory, int? appPort, string? apiToken, params string[] extraArgs)
    {
        var port = FreePorts.Next();
        var grpcPort = FreePorts.Next();
        var args = new List<string>
        {
            "run", "--app-id", AppId, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--dapr-grpc-port", grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--data", dataDirectory, "--config-source", Path.Combine(RepositoryRoot, "examples", "storefront"),
        };
        if (appPort is { } app)
        {
            args.AddRange(["--app-port", app.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }
        args.AddRange(extraArgs);
        // The default secret store is DATA/secrets.json; the same name in the environment must not be what it serves.
        Directory.CreateDirectory(dataDirectory);
        var secrets = Path.Combine(dataDirectory, "secrets.json");
        if (!File.Exists(secrets))
        {
            File.WriteAllText(secrets, $$"""{"{{SecretName}}": "{{SecretValue}}"}""");
        }
        var environment = new Dictionary<string, string> { [SecretName] = "from-the-environment", ["APP_API_TOKEN"] = "app-token" };
        if (apiToken is not null)
        {
            environment["DAPR_API_TOKEN"] = apiToken;
        }
        var process = Start(ServerStart(args), environment);
        var endpoint = new Uri($"http://127.0.0.1:{port}/");
        _runtimes[endpoint] = process;
        _grpcEndpoints[endpoint] = new Uri($"http://127.0.0.1:{grpcPort}/");
        return endpoint;
    }

    public async Task<JsonArray> ReceivedAsync() =>
        JsonNode.Parse(await Http.GetStringAsync(new Uri(AppEndpoint, "received")))!.AsArray();

    /// <summary>Polls the app's received list until <paramref name="predicate"/> holds or 20 s pass.</summary>
    public async Task<List<JsonObject>> WaitForReceivedAsync(Func<JsonObject, bool> predicate, int count = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var matches = (await ReceivedAsync()).OfType<JsonObject>().Where(predicate).ToList();
            if (matches.Count >= count || DateTime.UtcNow > deadline)
            {
                return matches;
            }
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            try
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            catch (InvalidOperationException)
            {
            }
            process.Dispose();
        }
        Http.Dispose();
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    /// <summary>The built server, <c>CloudRuntimes.Host.dll</c>, for tests that start it themselves.</summary>
    public static string HostAssembly => Built("src/CloudRuntimes.Host", "CloudRuntimes.Host.dll");

    /// <summary>
    /// How to start the server with <paramref name="args"/> (output redirected, <c>ASPNETCORE_ENVIRONMENT=Production</c>):
    /// the executable named by <c>CLOUD_RUNTIMES_SERVER</c> when set (CI's native AOT run, <c>.ci/server-aot.sh</c>),
    /// else <c>dotnet CloudRuntimes.Host.dll</c> of the build.
    /// </summary>
    public static ProcessStartInfo ServerStart(IEnumerable<string> args)
    {
        var native = Environment.GetEnvironmentVariable("CLOUD_RUNTIMES_SERVER");
        var start = new ProcessStartInfo(string.IsNullOrEmpty(native) ? "dotnet" : native) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (string.IsNullOrEmpty(native))
        {
            start.ArgumentList.Add(HostAssembly);
        }
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        return start;
    }

    /// <summary>The built output <paramref name="assembly"/> of <paramref name="project"/> (a folder under the repository root), in the tests' configuration.</summary>
    public static string Built(string project, string assembly)
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var path = Path.Combine(RepositoryRoot, project, "bin", configuration, "net10.0", assembly);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{assembly} is not built at {path}", path);
    }

    /// <summary>Runs <c>cloud-runtimes</c> with <paramref name="args"/> until it exits (killed after 30 s) and returns what it printed.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunToExitAsync(params string[] args)
    {
        using var process = Process.Start(ServerStart(args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"cloud-runtimes {string.Join(' ', args)} did not exit within 30 s");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The gRPC API of a runtime started by <see cref="StartRuntimeAsync"/>, by its HTTP endpoint.</summary>
    public Uri GrpcEndpoint(Uri endpoint) => _grpcEndpoints[endpoint];

    /// <summary>The process of a runtime started by <see cref="StartRuntimeAsync"/>.</summary>
    public Process RuntimeProcess(Uri endpoint) => _runtimes[endpoint];

    private Process Start(string assembly, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(assembly);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        return Start(start, environment);
    }

    private Process Start(ProcessStartInfo start, IReadOnlyDictionary<string, string>? environment)
    {
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        var label = Path.GetFileNameWithoutExtension(start.ArgumentList.FirstOrDefault(a => a.EndsWith(".dll", StringComparison.Ordinal)) ?? start.FileName);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine($"[{label}] {e.Data}"); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
        return process;
    }

    private async Task WaitAsync(Uri health, Process process, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                using var response = await Http.GetAsync(health);
                if ((int)response.StatusCode < 500)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            if (DateTime.UtcNow > deadline || process.HasExited)
            {
                throw new InvalidOperationException($"{health} did not come up (the process exited: {process.HasExited})");
            }
            await Task.Delay(100);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class RuntimeGroup : ICollectionFixture<RuntimeProcesses>
{
    public const string Name = "runtime";
}
