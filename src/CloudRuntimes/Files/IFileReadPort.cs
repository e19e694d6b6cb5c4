namespace CloudRuntimes.Files;

/// <summary>
/// Synchronous reads of a file component, for a host that serves files from a synchronous callback on behalf of code
/// it runs (the VTX plugins' <c>stream-io.open-file</c>). Same names and path rules as <see cref="IFileStore"/>. A file
/// component offers it besides <see cref="IFileStore"/> when its back end can (<c>file.local</c> does).
/// </summary>
public interface IFileReadPort
{
    /// <summary>Opens a file for reading.</summary>
    /// <param name="name">The file name, as <see cref="IFileStore.GetAsync"/> takes it.</param>
    /// <returns>A seekable stream over the file's content; the caller disposes it.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.FileNotFound"/>, <see cref="CloudRuntimesErrors.FilePathInvalid"/> or <see cref="CloudRuntimesErrors.File"/>.</exception>
    Stream OpenRead(string name);
}
