using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Wasmtime;
using Module = Wasmtime.Module;

namespace Vtx.Host.Runtime;

/// <summary>
/// Compiled modules kept on disk (Wasmtime's <c>Module.Serialize</c> output), so that a restarted host deserializes
/// native code instead of compiling the module with Cranelift again.
/// <list type="bullet">
/// <item>A file is named <c>{hex SHA-256}.cwasm</c>, the hash taken over the hex SHA-256 of the core module, a zero byte
/// and the UTF-8 engine description (the Wasmtime version and the settings the engine compiles with), so another module,
/// Wasmtime release or setting never finds it.</item>
/// <item>Its content is the serialized module followed by the 32-byte SHA-256 of that module: a truncated or altered file is
/// never handed to Wasmtime (deserializing native code trusts its input). Wasmtime also refuses a module serialized by an
/// incompatible engine. Either way the module is compiled again and the file replaced, with a warning.</item>
/// <item>Files are written to a temporary name and moved into place, so a reader never sees half a file; a cache that
/// cannot be read or written only costs a compilation, never a load.</item>
/// </list>
/// Thread-safe.
/// </summary>
internal sealed class CompiledModuleCache(string folder, string engineSettings, ILogger logger)
{
    private const int ChecksumLength = SHA256.HashSizeInBytes;

    /// <summary>What a serialized module depends on besides the module itself: the Wasmtime release and the engine settings.</summary>
    private readonly byte[] _engineDescription = Encoding.UTF8.GetBytes(
        $"wasmtime {typeof(Engine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? typeof(Engine).Assembly.GetName().Version?.ToString()}; {engineSettings}");

    /// <summary>The cache file of a core module.</summary>
    /// <param name="moduleHash">The hex SHA-256 of the core module's bytes (the runtime's in-memory key).</param>
    public string PathFor(string moduleHash)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.ASCII.GetBytes(moduleHash));
        hash.AppendData([0]);
        hash.AppendData(_engineDescription);
        return Path.Combine(folder, Convert.ToHexStringLower(hash.GetHashAndReset()) + ".cwasm");
    }

    /// <summary>The module deserialized from <paramref name="file"/>; null (and a warning unless the file is absent) when there is no usable file.</summary>
    public Module? TryLoad(Engine engine, string name, string file)
    {
        byte[] content;
        try
        {
            content = File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Compiled module {File} cannot be read, compiling {Source} again: {Reason}", file, name, e.Message);
            return null;
        }

        var serialized = content.AsSpan(0, Math.Max(0, content.Length - ChecksumLength));
        if (content.Length <= ChecksumLength || !SHA256.HashData(serialized).AsSpan().SequenceEqual(content.AsSpan(serialized.Length)))
        {
            logger.LogWarning("Compiled module {File} is damaged (its checksum does not match), compiling {Source} again", file, name);
            return null;
        }

        try
        {
            var module = Module.Deserialize(engine, name, serialized);
            logger.LogDebug("Module of {Source} taken from the compiled-module cache {File}", name, file);
            return module;
        }
        catch (WasmtimeException e)
        {
            logger.LogWarning("Compiled module {File} does not fit this engine, compiling {Source} again: {Reason}", file, name, VtxRuntime.FirstLine(e.Message));
            return null;
        }
    }

    /// <summary>Writes <paramref name="module"/> to <paramref name="file"/>; a failure is logged and otherwise ignored.</summary>
    public void Store(Module module, string name, string file)
    {
        var temporary = file + "." + Environment.ProcessId + "." + Environment.CurrentManagedThreadId + ".tmp";
        try
        {
            Directory.CreateDirectory(folder);
            var serialized = module.Serialize();
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(serialized);
                stream.Write(SHA256.HashData(serialized));
            }
            File.Move(temporary, file, overwrite: true);
            logger.LogDebug("Module of {Source} compiled and stored in the compiled-module cache {File}", name, file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or WasmtimeException)
        {
            logger.LogWarning("Compiled module of {Source} not cached in {File}: {Reason}", name, file, e.Message);
            try
            {
                File.Delete(temporary);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                logger.LogDebug("Temporary file {File} not removed: {Reason}", temporary, cleanup.Message);
            }
        }
    }
}
