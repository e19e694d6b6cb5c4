using System.Collections.Concurrent;

namespace Tests.Shared;

/// <summary>
/// Paths of new folders under the temporary folder (<c>{prefix}{guid}</c>) for the data of servers and stores a test
/// starts, deleted when the test process exits: the end-to-end tests wrote gigabytes there (a plugin host's module cache
/// is 48 MB) and left them behind. Deleting at exit, not when a test ends, keeps a folder for tests that restart a server
/// on the same data.
/// </summary>
internal static class TempFolders
{
    private static readonly ConcurrentBag<string> Created = [];

    static TempFolders() => AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteAll();

    /// <summary>A path under the temporary folder that does not exist yet; the caller creates it (or has a server create it).</summary>
    public static string New(string prefix)
    {
        var path = Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N"));
        Created.Add(path);
        return path;
    }

    private static void DeleteAll()
    {
        foreach (var path in Created)
        {
            try
            {
                Directory.Delete(path, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone already, or still held: the operating system's temporary-folder cleanup takes it.
            }
        }
    }
}
