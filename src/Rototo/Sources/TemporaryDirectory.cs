namespace Rototo.Sources;

/// <summary>
/// A private directory under the system temp folder that holds a staged source. Removed on <see cref="Dispose"/>,
/// or by the finalizer when nothing references the workspace that uses it any more.
/// </summary>
internal sealed class TemporaryDirectory : IDisposable
{
    private int _disposed;

    private TemporaryDirectory(string path) => Path = path;

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
        try
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
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
