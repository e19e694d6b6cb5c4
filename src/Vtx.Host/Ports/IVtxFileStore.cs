using Vtx.Protocol;

namespace Vtx.Host.Ports;

/// <summary>
/// The file port of the VTX host, behind <c>stream-io.open-file</c>: files known by an id (a
/// UUID in vtx-core). The runtime server wires it to its file component;
/// <see cref="DirectoryFileStore"/> serves a folder. Implementations must be thread-safe.
/// </summary>
public interface IVtxFileStore
{
    /// <summary>Opens the file known by <paramref name="id"/>.</summary>
    /// <param name="id">The file id as the plugin passed it.</param>
    /// <returns>A buffer over the file, owned by the caller, or <see langword="null"/> when no such file exists.</returns>
    /// <exception cref="IOException">The file exists but cannot be read.</exception>
    VtxBuffer? OpenFile(string id);
}
