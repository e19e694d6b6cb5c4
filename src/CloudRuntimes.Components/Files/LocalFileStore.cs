using CloudRuntimes.Components.Composition;
using CloudRuntimes.Files;

namespace CloudRuntimes.Components.Files;

/// <summary>
/// <c>file.local</c>: a file store in a directory of the local file system. Names are relative '/'-separated
/// paths confined to the root: absolute names, <c>..</c> segments and symbolic links whose target lies outside
/// the root (at any depth, followed the way the operating system would) are refused with
/// <see cref="CloudRuntimesErrors.FilePathInvalid"/>, as are names past the bounds of <see cref="FileNames"/>. Writes go
/// to a temporary file that is renamed into place, so a failed or cancelled put leaves no partial file, nor the folders
/// it created. Folders exist for the files in them, as in an object store: deleting a file removes the folders it leaves
/// empty, up to the root. A name where a folder is (or under a file) is <see cref="CloudRuntimesErrors.FileConflict"/>.
/// No error message carries the server's own path or the operating system's text.
/// </summary>
public sealed class LocalFileStore : IFileStore, IFileReadPort
{
    private const string TemporaryPrefix = ".cr-upload-";
    private const int MaxLinkHops = 40;
    private readonly string _componentName;

    /// <summary>Creates a store over <paramref name="rootPath"/>, creating the directory when missing.</summary>
    /// <param name="rootPath">The root directory (relative paths against the current directory).</param>
    /// <param name="componentName">Component name, for messages.</param>
    public LocalFileStore(string rootPath, string componentName)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootPath);
        _componentName = componentName;
        var full = Path.GetFullPath(rootPath);
        Directory.CreateDirectory(full);
        Root = Path.TrimEndingDirectorySeparator(new DirectoryInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full);
    }

    /// <summary>The root directory (absolute, links resolved).</summary>
    public string Root { get; }

    /// <inheritdoc />
    public Task PutAsync(string name, Stream content, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) =>
        ComponentTelemetry.TraceAsync("file", "put", _componentName, () => PutCoreAsync(name, content, metadata, cancellationToken));

    private async Task PutCoreAsync(string name, Stream content, IReadOnlyDictionary<string, string>? metadata, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = Resolve(name);
        if (Directory.Exists(path))
        {
            throw Conflict(name, "a folder has that name");
        }
        var folder = Path.GetDirectoryName(path)!;
        string? created = null;
        string? temporary = null;
        var stored = false;
        try
        {
            FileStream file;
            (file, temporary, created) = CreateTemporary(name, folder);
            await using (file)
            {
                await content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            File.Move(temporary, path, overwrite: true);
            stored = true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Directory.Exists(path) ? Conflict(name, "a folder has that name") : Failed("writing", name, e);
        }
        finally
        {
            if (!stored)
            {
                TryDeleteFile(temporary);
                RemoveEmptyFolders(folder, created);
            }
        }
    }

    /// <summary>
    /// Creates the folders of a put (refusing a file where a folder is needed) and its temporary file; a folder removed
    /// meanwhile by the delete of its last file is created again. Returns the topmost folder this call created, or null.
    /// </summary>
    private (FileStream File, string Temporary, string? Created) CreateTemporary(string name, string folder)
    {
        for (var attempt = 1; ; attempt++)
        {
            var created = CreateFolders(name, folder);
            var temporary = Path.Combine(folder, TemporaryPrefix + Guid.NewGuid().ToString("N"));
            try
            {
                return (new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true), temporary, created);
            }
            catch (DirectoryNotFoundException) when (attempt < 3)
            {
                // A concurrent delete removed the folder it had just emptied: create it again.
            }
        }
    }

    /// <summary>Creates the missing folders from the root down to <paramref name="folder"/>; returns the topmost one created, or null.</summary>
    private string? CreateFolders(string name, string folder)
    {
        string? created = null;
        var current = Root;
        foreach (var segment in FileNames.Split(Path.GetRelativePath(Root, folder)))
        {
            current = Path.Combine(current, segment);
            if (File.Exists(current))
            {
                throw Conflict(name, $"'{FileNames.Shown(Path.GetRelativePath(Root, current).Replace(Path.DirectorySeparatorChar, '/'))}' is a file");
            }
            if (!Directory.Exists(current))
            {
                Directory.CreateDirectory(current);
                created ??= current;
            }
        }
        return created;
    }

    /// <summary>
    /// Removes <paramref name="folder"/> and its parents while they are empty, up to <paramref name="top"/> (included) and
    /// never the root; null <paramref name="top"/> removes nothing. A folder that is not empty (or gone) ends the walk.
    /// </summary>
    private void RemoveEmptyFolders(string folder, string? top)
    {
        if (top is null)
        {
            return;
        }
        for (var current = folder; current != Root && IsInside(current, top); current = Path.GetDirectoryName(current)!)
        {
            try
            {
                Directory.Delete(current, recursive: false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return;
            }
        }
    }

    private static bool IsInside(string path, string folder) =>
        path == folder || path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static void TryDeleteFile(string? path)
    {
        if (path is null)
        {
            return;
        }
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The folder is gone or not writable: nothing was left behind that can be removed.
        }
    }

    /// <inheritdoc />
    public Task<Stream> GetAsync(string name, CancellationToken cancellationToken = default) =>
        ComponentTelemetry.TraceAsync("file", "get", _componentName, () => GetCoreAsync(name, cancellationToken));

    private Task<Stream> GetCoreAsync(string name, CancellationToken cancellationToken) => Task.FromResult<Stream>(Open(name, useAsync: true));

    /// <inheritdoc />
    public Stream OpenRead(string name) => Open(name, useAsync: false);

    private FileStream Open(string name, bool useAsync)
    {
        var path = Resolve(name);
        if (Directory.Exists(path))
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.FileNotFound, $"file store {_componentName}: '{FileNames.Shown(name)}' is a folder, not a file");
        }
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, useAsync);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.FileNotFound, $"file store {_componentName}: '{FileNames.Shown(name)}' does not exist", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failed("reading", name, e);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<FileEntry>> ListAsync(string prefix = "", CancellationToken cancellationToken = default) =>
        ComponentTelemetry.TraceAsync("file", "list", _componentName, () => ListCoreAsync(prefix, cancellationToken));

    private Task<IReadOnlyList<FileEntry>> ListCoreAsync(string prefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        IReadOnlyList<FileEntry> entries = [.. new DirectoryInfo(Root).EnumerateFiles("*", options)
            .Where(f => !f.Name.StartsWith(TemporaryPrefix, StringComparison.Ordinal))
            .Select(f => Entry(Path.GetRelativePath(Root, f.FullName).Replace(Path.DirectorySeparatorChar, '/'), f))
            .Where(e => e.Name.StartsWith(prefix, StringComparison.Ordinal))
            .OrderBy(e => e.Name, StringComparer.Ordinal)];
        return Task.FromResult(entries);
    }

    /// <inheritdoc />
    public Task<FileEntry?> StatAsync(string name, CancellationToken cancellationToken = default) =>
        ComponentTelemetry.TraceAsync("file", "stat", _componentName, () => StatCoreAsync(name, cancellationToken));

    private Task<FileEntry?> StatCoreAsync(string name, CancellationToken cancellationToken)
    {
        var info = new FileInfo(Resolve(name));
        return Task.FromResult(info.Exists ? Entry(name, info) : null);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default) =>
        ComponentTelemetry.TraceAsync("file", "delete", _componentName, () => DeleteCoreAsync(name, cancellationToken));

    private Task<bool> DeleteCoreAsync(string name, CancellationToken cancellationToken)
    {
        var path = Resolve(name);
        if (!File.Exists(path))
        {
            return Task.FromResult(false);
        }
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failed("deleting", name, e);
        }
        RemoveEmptyFolders(Path.GetDirectoryName(path)!, Root);
        return Task.FromResult(true);
    }

    /// <summary>
    /// Maps a name to a path inside the root, following existing links segment by segment (as the operating system
    /// would) and refusing any step that leaves the root.
    /// </summary>
    /// <param name="name">The file name.</param>
    /// <returns>The absolute path, every link on it resolved.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.FilePathInvalid"/>.</exception>
    public string Resolve(string name)
    {
        if (FileNames.Check(name, out var parts) is { } refused)
        {
            throw Invalid(name, refused);
        }
        var segments = new Queue<string>(parts);
        var current = Root;
        var hops = 0;
        while (segments.TryDequeue(out var segment))
        {
            var next = Path.Combine(current, segment);
            if (new FileInfo(next).LinkTarget is not { } target)
            {
                current = next;
                continue;
            }
            var resolved = Path.GetFullPath(target, current);
            if (++hops > MaxLinkHops || !IsInsideRoot(resolved))
            {
                throw Invalid(name, "it leads through a link outside the store");
            }
            segments = new Queue<string>(FileNames.Split(Path.GetRelativePath(Root, resolved)).Concat(segments));
            current = Root;
        }
        if (current == Root)
        {
            throw Invalid(name, "it names the store's root");
        }
        return current;
    }

    private bool IsInsideRoot(string path) =>
        path == Root || path.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static FileEntry Entry(string name, FileInfo info) => new(name, info.Length, info.LastWriteTimeUtc);

    private CloudRuntimesException Invalid(string name, string why) =>
        new(CloudRuntimesErrors.FilePathInvalid, $"file store {_componentName}: name '{FileNames.Shown(name)}' is refused: {why}");

    private CloudRuntimesException Conflict(string name, string why) =>
        new(CloudRuntimesErrors.FileConflict, $"file store {_componentName}: '{FileNames.Shown(name)}' cannot be written: {why}");

    /// <summary>A failed file system call, said without the operating system's text (which names the server's own path).</summary>
    private CloudRuntimesException Failed(string doing, string name, Exception e) =>
        new(CloudRuntimesErrors.File, $"file store {_componentName}: {doing} '{FileNames.Shown(name)}' failed: {Reason(e)}", e);

    private static string Reason(Exception e) => e switch
    {
        UnauthorizedAccessException => "permission denied",
        PathTooLongException => "the path is too long for the file system",
        DirectoryNotFoundException or FileNotFoundException => "a folder of the path is missing",
        // ENOSPC on Unix, ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL on Windows.
        _ when (e.HResult & 0xFFFF) is 28 or 112 or 39 => "the disk is full",
        _ => "an input/output error",
    };
}
