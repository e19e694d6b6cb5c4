using System.Net.Sockets;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// What the server costs beside an app (issue 19), checked on the real process (JIT or, with CLOUD_RUNTIMES_SERVER, the
/// native executable): the workstation garbage collector (one heap, no thread per core), and no configuration read
/// from, or file watch kept on, the folder it starts in (docs/runtime.md "Memory" and "Configuration").
/// </summary>
public sealed class SidecarFootprintTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "cr-footprint-" + Guid.NewGuid().ToString("N"));
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task TheServerRunsOneWorkstationHeapAndWatchesNoFiles()
    {
        await using var server = ServerProcess.Start(Path.Combine(_root, "data"), null);
        await server.WaitHealthyAsync(_http);

        // The .NET runtime names its threads: the server GC starts one ".NET Server GC" thread per core, and a
        // FileSystemWatcher one ".NET File Watch" thread (besides its inotify instance).
        var threads = ThreadNames(server.Process.Id);
        Assert.Contains(threads, name => name.StartsWith(".NET", StringComparison.Ordinal));
        Assert.DoesNotContain(".NET Server GC", threads);
        Assert.DoesNotContain(".NET File Watch", threads);
        Assert.Equal(0, InotifyInstances(server.Process.Id));
    }

    [Fact]
    public async Task AnAppsettingsFileInTheWorkingDirectoryAddsNoListener()
    {
        // An attacker who can write the folder the sidecar starts in must not be able to open a port on it (or change
        // its logging): a Kestrel endpoint in appsettings.json is what a default ASP.NET Core host would bind.
        var extra = RuntimeProcesses.FreePort();
        var folder = Directory.CreateDirectory(Path.Combine(_root, "cwd")).FullName;
        File.WriteAllText(Path.Combine(folder, "appsettings.json"), $$"""
            { "Kestrel": { "Endpoints": { "Extra": { "Url": "http://127.0.0.1:{{extra}}" } } },
              "Logging": { "LogLevel": { "Default": "Trace" } } }
            """);
        await using var server = ServerProcess.StartIn(folder, Path.Combine(_root, "data"));
        await server.WaitHealthyAsync(_http);

        using var socket = new TcpClient();
        var refused = await Assert.ThrowsAsync<SocketException>(() => socket.ConnectAsync("127.0.0.1", extra));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.DoesNotContain("trce:", server.Output, StringComparison.Ordinal);
    }

    private static string[] ThreadNames(int pid) =>
        [.. Directory.GetDirectories($"/proc/{pid}/task").Select(task => File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n'))];

    private static int InotifyInstances(int pid) =>
        Directory.GetFiles($"/proc/{pid}/fd").Count(fd => new FileInfo(fd).LinkTarget is "anon_inode:inotify");

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
        return ValueTask.CompletedTask;
    }
}
