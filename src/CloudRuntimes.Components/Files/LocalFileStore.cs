using CloudRuntimes.Components.Composition;
using CloudRuntimes.Files;

namespace CloudRuntimes.Components.Files;

/// <summary>
/// <c>file.local</c>: a file store in a directory of the local file system. Names are relative '/'-separated
/// paths confined to the root: absolute names, <c>..</c> segments and symbolic links whose target lies outside
/// the root (at any depth, followed the way the operating system would) are refused with
/// <see cref="CloudRuntimesErrors.FilePathInvalid"/>. Writes go to a temporary file that is renamed into
/// place, so a failed or cancelled put leaves no partial file.
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
        var temporary = Path.Combine(Path.GetDirectoryName(path)!, TemporaryPrefix + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.File, $"file store {_componentName}: writing {name} failed", e);
        }
        finally
        {
            // Exists, not a bare Delete: where the folder itself is gone or not a folder, Delete would throw and hide the failure.
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
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
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, useAsync);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.FileNotFound, $"file store {_componentName}: {name} does not exist", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.File, $"file store {_componentName}: reading {name} failed", e);
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
            throw new CloudRuntimesException(CloudRuntimesErrors.File, $"file store {_componentName}: deleting {name} failed", e);
        }
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
        if (string.IsNullOrWhiteSpace(name) || name.Contains('\0', StringComparison.Ordinal))
        {
            throw Invalid(name, "the name is empty");
        }
        if (name.StartsWith('/') || name.StartsWith('\\') || Path.IsPathRooted(name))
        {
            throw Invalid(name, "absolute paths are not allowed");
        }
        var segments = new Queue<string>(Segments(name));
        if (segments.Any(s => s == ".."))
        {
            throw Invalid(name, "'..' segments are not allowed");
        }
        if (segments.Count == 0)
        {
            throw Invalid(name, "the name has no file part");
        }
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
            segments = new Queue<string>(Segments(Path.GetRelativePath(Root, resolved)).Concat(segments));
            current = Root;
        }
        if (current == Root)
        {
            throw Invalid(name, "it names the store's root");
        }
        return current;
    }

    private static IEnumerable<string> Segments(string name) =>
        name.Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".");

    private bool IsInsideRoot(string path) =>
        path == Root || path.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static FileEntry Entry(string name, FileInfo info) => new(name, info.Length, info.LastWriteTimeUtc);

    private CloudRuntimesException Invalid(string name, string why) =>
        new(CloudRuntimesErrors.FilePathInvalid, $"file store {_componentName}: name '{name}' is refused: {why}");
}
