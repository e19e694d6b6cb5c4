namespace CloudRuntimes.Host.Tests;

/// <summary>Folders the tests prepare on disk.</summary>
internal static class TestFolders
{
    /// <summary>Copies the tree <paramref name="from"/> to <paramref name="to"/> (created), files and folders.</summary>
    public static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
        foreach (var directory in Directory.GetDirectories(from))
        {
            Copy(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }
}
