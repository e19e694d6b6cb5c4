namespace Rototo.Sources;

/// <summary>
/// A private directory under the system temp folder that holds a staged source. Removed on <see cref="Dispose"/>,
/// by the finalizer when nothing references the workspace that uses it any more, or when the process exits
/// (finalizers do not run at exit, so a command-line run would otherwise leave its clones behind).
/// </summary>
internal sealed class TemporaryDirectory : IDisposable
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> Live = new();
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
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"rototo-{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return new TemporaryDirectory(path);
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

    private static void DeleteTree(string path)
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
        }
        catch (IOException)
        {
            // A directory that cannot be removed now is left for the OS temp cleanup.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
