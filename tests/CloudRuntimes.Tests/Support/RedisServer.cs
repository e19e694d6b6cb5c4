using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CloudRuntimes.Tests.Support;

/// <summary>
/// A real <c>redis-server</c> started for a test class on a free 127.0.0.1 port with its own temporary directory
/// and an append-only file fsynced on every write. When <c>redis-server</c> is not installed,
/// <see cref="SkipReason"/> says how to get it and the tests skip.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cr-redis-" + Guid.NewGuid().ToString("N"));
    private Process? _process;

    /// <summary><c>host:port</c> of the server (Dapr's <c>redisHost</c>).</summary>
    public string Host { get; private set; } = "";

    /// <summary>Why the Redis tests cannot run here, or null.</summary>
    public string? SkipReason { get; private set; }

    /// <summary>Component metadata that points at this server.</summary>
    public IReadOnlyDictionary<string, string> Metadata => new Dictionary<string, string> { ["redisHost"] = Host };

    /// <summary>
    /// The redis-server executable, or null when not installed. <c>CR_REDIS_SERVER</c> overrides the search: a path
    /// to use, or <c>none</c> to run without Redis (the Redis tests then skip).
    /// </summary>
    public static string? Executable() =>
        Environment.GetEnvironmentVariable("CR_REDIS_SERVER") is { Length: > 0 } configured
            ? (File.Exists(configured) ? configured : null)
            : new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Select(p => Path.Combine(p, "redis-server")))
            .FirstOrDefault(File.Exists);

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        if (Executable() is not { } executable)
        {
            SkipReason = "redis-server was not found (or CR_REDIS_SERVER names none): install it (apt-get install redis-server; it is listed in .ci/apt-packages and .ci/run installs it) or set CR_REDIS_SERVER to its path to run the Redis tests";
            return;
        }
        Directory.CreateDirectory(_directory);
        var port = FreePorts.Next();
        Host = $"127.0.0.1:{port}";
        var start = new ProcessStartInfo(executable)
        {
            ArgumentList = { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _directory, "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--daemonize", "no" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }
        _process?.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
        return ValueTask.CompletedTask;
    }
}
