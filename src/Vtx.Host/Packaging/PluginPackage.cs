using System.Text.Json;

namespace Vtx.Host.Packaging;

/// <summary>How a plugin file was packaged.</summary>
public enum PluginPackageFormat
{
    /// <summary>A bare WebAssembly core module following the canonical ABI of world <c>plugin</c>.</summary>
    CoreModule,

    /// <summary>A WebAssembly component binary whose main core module is taken out.</summary>
    Component,

    /// <summary>A <c>.vtx</c> v1 container: <c>"VTX" 01</c> + component.</summary>
    VtxV1,

    /// <summary>A <c>.vtx</c> v2 container: <c>"VTX" 02</c> + u32-LE metadata length + metadata JSON + component.</summary>
    VtxV2,
}

/// <summary>
/// A decoded plugin file: the core module to run and what it came from. Containers follow
/// vtx-format (<c>VTX</c> magic, version byte); components are reduced to their main core module
/// (the one exporting <c>get-manifest</c>), replacing the preview1 adapter and shim modules with
/// the host's own imports.
/// </summary>
/// <param name="Source">The file path or name the bytes came from.</param>
/// <param name="Format">How the file was packaged.</param>
/// <param name="CoreModule">The core module bytes to compile.</param>
/// <param name="Metadata">The v2 container's metadata JSON object, otherwise <see langword="null"/>.</param>
public sealed record PluginPackage(string Source, PluginPackageFormat Format, ReadOnlyMemory<byte> CoreModule, JsonElement? Metadata)
{
    private static ReadOnlySpan<byte> VtxMagic => "VTX"u8;

    /// <summary>Reads and decodes a plugin file.</summary>
    /// <param name="path">A <c>.vtx</c>, component or core module file.</param>
    /// <returns>The decoded package.</returns>
    /// <exception cref="VtxPluginException"><see cref="VtxErrorCode.InvalidPackage"/> or <see cref="VtxErrorCode.UnsupportedPluginShape"/>.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static PluginPackage Load(string path) => Decode(File.ReadAllBytes(path), path);

    /// <summary>Decodes plugin bytes.</summary>
    /// <param name="bytes">A <c>.vtx</c> container, a component or a core module.</param>
    /// <param name="source">Name used in errors, e.g. the file path.</param>
    /// <returns>The decoded package.</returns>
    /// <exception cref="VtxPluginException"><see cref="VtxErrorCode.InvalidPackage"/> for unreadable bytes; <see cref="VtxErrorCode.UnsupportedPluginShape"/> for components without exactly one main module.</exception>
    public static PluginPackage Decode(ReadOnlyMemory<byte> bytes, string source)
    {
        var span = bytes.Span;
        if (span.Length >= 4 && span[..3].SequenceEqual(VtxMagic))
        {
            return DecodeContainer(bytes, source);
        }

        return WasmBinary.Classify(span, source) == WasmBinaryKind.CoreModule
            ? new PluginPackage(source, PluginPackageFormat.CoreModule, bytes, null)
            : new PluginPackage(source, PluginPackageFormat.Component, WasmBinary.ExtractMainModule(bytes, source), null);
    }

    private static PluginPackage DecodeContainer(ReadOnlyMemory<byte> bytes, string source)
    {
        var version = bytes.Span[3];
        switch (version)
        {
            case 1:
                return FromContainerPayload(bytes[4..], source, PluginPackageFormat.VtxV1, null);
            case 2:
                if (bytes.Length < 8)
                {
                    throw Invalid(source, "the .vtx v2 header is truncated (needs 8 bytes)");
                }

                var length = BitConverter.ToUInt32(bytes.Span[4..8]);
                if (length > (ulong)(bytes.Length - 8))
                {
                    throw Invalid(source, $"the .vtx v2 metadata length {length} runs past the end of the file ({bytes.Length} bytes)");
                }

                JsonElement metadata;
                try
                {
                    using var document = JsonDocument.Parse(bytes.Slice(8, (int)length));
                    metadata = document.RootElement.Clone();
                }
                catch (JsonException ex)
                {
                    throw Invalid(source, $"the .vtx v2 metadata is not valid JSON: {ex.Message}");
                }

                if (metadata.ValueKind != JsonValueKind.Object)
                {
                    throw Invalid(source, $"the .vtx v2 metadata must be a JSON object, found {metadata.ValueKind}");
                }

                return FromContainerPayload(bytes[(8 + (int)length)..], source, PluginPackageFormat.VtxV2, metadata);
            default:
                throw Invalid(source, $"unknown .vtx container version {version} (supported: 1, 2)");
        }
    }

    private static PluginPackage FromContainerPayload(ReadOnlyMemory<byte> payload, string source, PluginPackageFormat format, JsonElement? metadata)
    {
        var module = WasmBinary.Classify(payload.Span, source) == WasmBinaryKind.Component
            ? WasmBinary.ExtractMainModule(payload, source)
            : payload;
        return new PluginPackage(source, format, module, metadata);
    }

    private static VtxPluginException Invalid(string source, string problem) =>
        new(VtxErrorCode.InvalidPackage, $"{source}: {problem}.", source);
}
