using System.Diagnostics;
using System.Globalization;
using Rototo.Discovery;

namespace Rototo.Sources;

/// <summary>
/// A private directory under the system temp folder that holds a staged source. Removed on <see cref="Dispose"/>,
/// by the finalizer when nothing references the workspace that uses it any more, or when the process exits
/// (finalizers do not run at exit, so a command-line run would otherwise leave its clones behind). Its name carries
/// its owner, <c>rototo-{purpose}-{pid}-{process start, Unix ms}-{id}</c>, so that the folders of a process that was
/// killed (and never ran its exit handler) are removed by the next process that stages a source
/// (<see cref="SweepAbandoned"/>).
/// </summary>
internal sealed class TemporaryDirectory : IDisposable
{
    private const string Prefix = "rototo-";

    /// <summary>Two start times of one process read at different moments differ by less than this.</summary>
    private static readonly TimeSpan StartTimeTolerance = TimeSpan.FromSeconds(1);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> Live = new();
    /// <summary>This process as a folder owner: <c>{pid}-{start ms}</c>, or only the id when the start time is unknown (never swept then).</summary>
    private static readonly string Owner = StartTimeOf(Environment.ProcessId) is { } started && started != DateTimeOffset.MinValue
        ? $"{Environment.ProcessId}-{started.ToUnixTimeMilliseconds()}"
        : $"{Environment.ProcessId}";
    private int _disposed;

    static TemporaryDirectory()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var path in Live.Keys)
            {
                DeleteTree(path);
            }
        };
        SweepAbandoned(System.IO.Path.GetTempPath());
    }

    private TemporaryDirectory(string path)
    {
        Path = path;
        Live.TryAdd(path, 0);
    }

    ~TemporaryDirectory() => Delete();

    public string Path { get; }

    public static TemporaryDirectory Create(string purpose)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{Prefix}{purpose}-{Owner}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return new TemporaryDirectory(path);
    }

    /// <summary>
    /// Removes the folders under <paramref name="tempPath"/> whose owner process is no longer running (no process with
    /// that id, or one that started at another time: the id was reused). Folders of running processes, of this
    /// process, and folders without an owner in their name are left alone; links are never followed.
    /// </summary>
    /// <param name="tempPath">The temp folder to sweep.</param>
    /// <returns>The folders removed.</returns>
    internal static IReadOnlyList<string> SweepAbandoned(string tempPath)
    {
        var removed = new List<string>();
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateDirectories(tempPath, Prefix + "*").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return removed;
        }
        foreach (var path in candidates)
        {
            if (OwnerOf(System.IO.Path.GetFileName(path)) is not { } owner || owner.ProcessId == Environment.ProcessId
                || IsRunning(owner.ProcessId, owner.StartedAt) || FileKinds.Of(path, followLinks: false) != FileKind.Directory)
            {
                continue;
            }
            if (DeleteTree(path))
            {
                removed.Add(path);
            }
        }
        return removed;
    }

    public void Dispose()
    {
        Delete();
        GC.SuppressFinalize(this);
    }

    private void Delete()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        Live.TryRemove(Path, out _);
        DeleteTree(Path);
    }

    /// <summary>The owner in a folder name <c>rototo-{purpose}-{pid}-{start ms}-{32 hex}</c>; null for any other name.</summary>
    private static (int ProcessId, DateTimeOffset StartedAt)? OwnerOf(string name)
    {
        var parts = name.Split('-');
        if (parts.Length != 5 || parts[4].Length != 32
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var processId)
            || !long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var started))
        {
            return null;
        }
        return (processId, DateTimeOffset.FromUnixTimeMilliseconds(started));
    }

    private static bool IsRunning(int processId, DateTimeOffset startedAt) => StartTimeOf(processId) switch
    {
        null => false,
        { } actual => (actual - startedAt).Duration() < StartTimeTolerance || actual == DateTimeOffset.MinValue,
    };

    /// <summary>When a process started; null when there is no such process, <see cref="DateTimeOffset.MinValue"/> when it cannot be told (treated as running).</summary>
    private static DateTimeOffset? StartTimeOf(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero);
        }
        catch (ArgumentException)
        {
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return DateTimeOffset.MinValue;
        }
    }

    private static bool DeleteTree(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                if (OperatingSystem.IsWindows())
                {
                    // git marks its object files read-only, which stops Windows from deleting them.
                    var walk = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint };
                    foreach (var file in Directory.EnumerateFiles(path, "*", walk))
                    {
                        File.SetAttributes(file, FileAttributes.Normal);
                    }
                }
                Directory.Delete(path, recursive: true);
            }
            return true;
        }
        catch (IOException)
        {
            // A directory that cannot be removed now is left for the OS temp cleanup.
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
