using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using CloudRuntimes.Tests.Support;
using Npgsql;

[assembly: AssemblyFixture(typeof(PostgresServer))]

namespace CloudRuntimes.Tests.Support;

/// <summary>
/// A real PostgreSQL server (Debian's <c>postgresql</c> package) started once for the test assembly: <c>initdb</c> in a
/// temporary folder, then <c>postgres</c> on a free 127.0.0.1 port with no Unix socket, run as a non-root user (as root,
/// through <c>runuser -u postgres</c>, since PostgreSQL refuses to run as root). Each test gets a schema of its own
/// (<see cref="NewSchemaMetadata"/>). When PostgreSQL is not installed, <see cref="SkipReason"/> says how to get it.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cr-postgres-" + Guid.NewGuid().ToString("N"));
    private Process? _process;

    /// <summary>A connection string of the server's superuser <c>cr</c> (trust authentication, loopback only).</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>Why the PostgreSQL tests cannot run here, or null.</summary>
    public string? SkipReason { get; private set; }

    /// <summary>
    /// The folder of <c>initdb</c> and <c>postgres</c>, or null. <c>CR_POSTGRES_BIN</c> overrides the search: a folder to
    /// use, or <c>none</c> to run without PostgreSQL (the PostgreSQL tests then skip).
    /// </summary>
    public static string? BinaryFolder() =>
        Environment.GetEnvironmentVariable("CR_POSTGRES_BIN") is { Length: > 0 } configured
            ? (File.Exists(Path.Combine(configured, "postgres")) ? configured : null)
            : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Concat(Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin")) : [])
                .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "postgres")));

    /// <summary>Component metadata for a new, empty schema of its own (<c>connectionString</c> with that search path).</summary>
    /// <returns>The metadata.</returns>
    public IReadOnlyDictionary<string, string> NewSchemaMetadata()
    {
        var schema = "t_" + Guid.NewGuid().ToString("N");
        using (var connection = new NpgsqlConnection(ConnectionString))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
            command.ExecuteNonQuery();
        }
        return new Dictionary<string, string> { ["connectionString"] = new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = schema }.ConnectionString };
    }

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        var asRoot = Environment.UserName == "root";
        if (BinaryFolder() is not { } bin)
        {
            SkipReason = "PostgreSQL was not found (or CR_POSTGRES_BIN names none): install it (apt-get install postgresql; it is listed in .ci/apt-packages and .ci/run installs it) or set CR_POSTGRES_BIN to the folder of initdb and postgres";
            return;
        }
        if (asRoot && !File.Exists("/usr/sbin/runuser") && !File.Exists("/sbin/runuser"))
        {
            SkipReason = "the tests run as root and runuser is missing: PostgreSQL refuses to run as root, and cannot be started as the postgres user";
            return;
        }
        Directory.CreateDirectory(_directory);
        if (asRoot)
        {
            await RunAsync("chown", ["postgres", _directory]);
        }
        var data = Path.Combine(_directory, "data");
        await RunAsync(Path.Combine(bin, "initdb"), ["-D", data, "-U", "cr", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], asRoot);
        var port = FreePorts.Next();
        _process = Start(Path.Combine(bin, "postgres"),
            ["-D", data, "-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-k", "", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=400"],
            asRoot);
        ConnectionString = $"Host=127.0.0.1;Port={port};Username=cr;Database=postgres;Pooling=false";
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString);
                await connection.OpenAsync();
                ConnectionString = $"Host=127.0.0.1;Port={port};Username=cr;Database=postgres";
                return;
            }
            catch (Exception e) when ((e is NpgsqlException or SocketException) && DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        _process?.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
        return ValueTask.CompletedTask;
    }

    private static Process Start(string executable, IEnumerable<string> arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres)
        {
            foreach (var argument in new[] { "-u", "postgres", "--", executable })
            {
                start.ArgumentList.Add(argument);
            }
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task RunAsync(string executable, IEnumerable<string> arguments, bool asPostgres = false)
    {
        using var process = Start(executable, arguments, asPostgres);
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{executable} failed with exit code {process.ExitCode}");
        }
    }
}
