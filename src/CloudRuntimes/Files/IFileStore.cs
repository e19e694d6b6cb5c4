namespace CloudRuntimes.Files;

/// <summary>
/// A file/blob store (Layotto file API; served under <c>/v1.0-alpha1/files/{store}</c>). Names are relative
/// '/'-separated paths; a name that is absolute, contains <c>..</c> segments or escapes the store through a
/// link is refused with <see cref="CloudRuntimesErrors.FilePathInvalid"/>.
/// </summary>
public interface IFileStore
{
    /// <summary>Writes a file, replacing an existing one; intermediate folders are created.</summary>
    /// <param name="name">The file name.</param>
    /// <param name="content">The content, read to its end.</param>
    /// <param name="metadata">Request metadata.</param>
    /// <param name="cancellationToken">Cancels the call; a partially written file is not left behind.</param>
    /// <returns>A task that completes when the file is stored.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.FilePathInvalid"/> or <see cref="CloudRuntimesErrors.File"/>.</exception>
    Task PutAsync(string name, Stream content, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default);

    /// <summary>Opens a file for reading.</summary>
    /// <param name="name">The file name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A readable stream the caller disposes.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.FileNotFound"/>, <see cref="CloudRuntimesErrors.FilePathInvalid"/> or <see cref="CloudRuntimesErrors.File"/>.</exception>
    Task<Stream> GetAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Lists files whose names start with <paramref name="prefix"/>, recursively, sorted by name.</summary>
    /// <param name="prefix">Name prefix; empty for all files.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The files.</returns>
    Task<IReadOnlyList<FileEntry>> ListAsync(string prefix = "", CancellationToken cancellationToken = default);

    /// <summary>Describes a file.</summary>
    /// <param name="name">The file name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entry, or null when there is no such file.</returns>
    Task<FileEntry?> StatAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Deletes a file.</summary>
    /// <param name="name">The file name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when a file was deleted; false when there was none.</returns>
    Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default);
}

/// <summary>A stored file.</summary>
/// <param name="Name">Its name in the store.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="LastModified">Last modification time.</param>
public sealed record FileEntry(string Name, long Size, DateTimeOffset LastModified);
