using System.Text;
using Rototo.Sources;

namespace Rototo.Discovery;

/// <summary>
/// Reads workspace files (§2.1) within <see cref="WorkspaceSourceOptions.MaxFileBytes"/>: a file must stay inside the
/// workspace and be a regular file (<see cref="PathResolution.ContainedFile"/>), and its size is checked before any
/// of it is read; should it grow meanwhile, reading stops at the limit all the same.
/// </summary>
internal static class WorkspaceFiles
{
    /// <summary>The text of a workspace file, decoded as <see cref="File.ReadAllText(string)"/> does (UTF-8, or the encoding a byte order mark names).</summary>
    /// <param name="root">The canonical workspace root.</param>
    /// <param name="path">The file, below <paramref name="root"/> before links are followed.</param>
    /// <param name="maxBytes">The largest size read (<see cref="WorkspaceSourceOptions.MaxFileBytes"/>).</param>
    /// <param name="budget">When given, the file's size counts against it before the file is read (a whole
    /// workspace's reads together, <see cref="WorkspaceSourceOptions.MaxUnpackedBytes"/>).</param>
    /// <returns>The text.</returns>
    /// <exception cref="IOException">The reason, worded for <c>failed to read {path}: {reason}</c>: <c>file is {size} bytes,
    /// over the limit of {limit} bytes for a workspace file</c>, or one of <see cref="PathResolution.ContainedFile"/>.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be read.</exception>
    /// <exception cref="RototoException">The file's size passes what remains of <paramref name="budget"/>.</exception>
    public static string ReadText(string root, string path, int maxBytes, StagingBudget? budget = null)
    {
        using var file = new FileStream(PathResolution.ContainedFile(root, path), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (file.Length > maxBytes)
        {
            throw TooLarge(file.Length, maxBytes);
        }
        budget?.AddBytes(file.Length);
        using var bytes = new MemoryStream((int)file.Length);
        BoundedCopy.Copy(file, bytes, maxBytes, () => TooLarge(file.Length, maxBytes));
        bytes.Position = 0;
        using var reader = new StreamReader(bytes, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    private static IOException TooLarge(long size, int limit) => new($"file is {size} bytes, over the limit of {limit} bytes for a workspace file");
}
