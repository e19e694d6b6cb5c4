namespace CloudRuntimes.Host.Tests;

/// <summary>
/// What the server costs beside an app (issue 19), checked on the real process (JIT or, with CLOUD_RUNTIMES_SERVER, the
/// native executable): the workstation garbage collector (one heap, no thread per core), no configuration read
/// from, or file watch kept on, the folder it starts in (docs/runtime.md "Memory" and "Configuration"), and — native —
/// the runtime's type data on transparent huge pages (build/native-aot/hydrated-huge-pages.c).
/// </summary>
public sealed class SidecarFootprintTests : IAsyncLifetime
{
    private readonly string _root = TempFolders.New("cr-footprint-");
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
        var extra = FreePorts.Next();
        var folder = Directory.CreateDirectory(Path.Combine(_root, "cwd")).FullName;
        File.WriteAllText(Path.Combine(folder, "appsettings.json"), $$"""
            { "Kestrel": { "Endpoints": { "Extra": { "Url": "http://127.0.0.1:{{extra}}" } } },
              "Logging": { "LogLevel": { "Default": "Trace" } } }
            """);
        await using var server = ServerProcess.StartIn(folder, Path.Combine(_root, "data"));
        await server.WaitHealthyAsync(_http);

        // Asked of the kernel for this process, not by connecting: another process on the machine may take the port.
        var ports = ListeningPorts(server.Process.Id);
        Assert.Contains(server.Endpoint.Port, ports);
        Assert.DoesNotContain(extra, ports);
        Assert.DoesNotContain("trce:", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheNativeServerWritesItsTypeDataOnHugePages()
    {
        var native = Environment.GetEnvironmentVariable("CLOUD_RUNTIMES_SERVER");
        Assert.SkipWhen(string.IsNullOrEmpty(native), "checks the native executable: set CLOUD_RUNTIMES_SERVER to it (.ci/server-aot.sh does)");
        const string Mode = "/sys/kernel/mm/transparent_hugepage/enabled";
        Assert.SkipUnless(File.Exists(Mode) && !File.ReadAllText(Mode).Contains("[never]", StringComparison.Ordinal), $"transparent huge pages are off on this machine ({Mode})");
        await using var server = ServerProcess.Start(Path.Combine(_root, "data"), null);
        await server.WaitHealthyAsync(_http);

        // The zero-filled tail of the executable's writable segment (.bss, then the 12 MB .hydrated section the runtime
        // fills at start) is the anonymous mapping right after the executable's last file mapping.
        var mappings = Mappings(server.Process.Id);
        var executable = Path.GetFullPath(native!);
        var last = mappings.FindLastIndex(m => m.Path == executable);
        Assert.True(last >= 0 && last + 1 < mappings.Count, $"no mapping of {executable} in /proc/PID/smaps");
        var tail = mappings[last + 1];
        Assert.True(tail.Path.Length == 0 && tail.Start == mappings[last].End, $"no anonymous mapping right after {executable}'s segments");
        Assert.True(tail.AnonHugePagesKiB >= 2048, $"the type data should sit on 2 MiB pages, got AnonHugePages {tail.AnonHugePagesKiB} kB over {(tail.End - tail.Start) / 1024} kB");
    }

    private sealed record Mapping(ulong Start, ulong End, string Path)
    {
        public long AnonHugePagesKiB { get; set; }
    }

    private static List<Mapping> Mappings(int pid)
    {
        var mappings = new List<Mapping>();
        foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
        {
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 5 && fields[0].Contains('-', StringComparison.Ordinal) && !fields[0].EndsWith(':'))
            {
                var range = fields[0].Split('-');
                mappings.Add(new Mapping(Convert.ToUInt64(range[0], 16), Convert.ToUInt64(range[1], 16), fields.Length == 6 ? fields[5].Trim() : ""));
            }
            else if (fields is ["AnonHugePages:", var kib, "kB"])
            {
                mappings[^1].AnonHugePagesKiB = long.Parse(kib, System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return mappings;
    }

    private static string[] ThreadNames(int pid) =>
        [.. Directory.GetDirectories($"/proc/{pid}/task").Select(task => File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n'))];

    /// <summary>The TCP ports <paramref name="pid"/> listens on: its sockets' inodes matched with the kernel's LISTEN (0A) entries.</summary>
    private static HashSet<int> ListeningPorts(int pid)
    {
        var sockets = Directory.GetFiles($"/proc/{pid}/fd").Select(fd => new FileInfo(fd).LinkTarget).OfType<string>()
            .Where(target => target.StartsWith("socket:[", StringComparison.Ordinal)).Select(target => target[8..^1]).ToHashSet();
        // Lines of /proc/net/tcp: sl local_address(hex ip:hex port) rem_address st ... inode (the tenth field); the header has no 0A.
        return [.. new[] { "/proc/net/tcp", "/proc/net/tcp6" }.Where(File.Exists).SelectMany(File.ReadLines)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length > 9 && fields[3] == "0A" && sockets.Contains(fields[9]))
            .Select(fields => Convert.ToInt32(fields[1][(fields[1].LastIndexOf(':') + 1)..], 16))];
    }

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
