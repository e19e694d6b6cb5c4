using System.Text.Json;
using Vtx.Host.Components.Binary;
using Vtx.Host.Runtime;

namespace Vtx.Host.Packaging;

/// <summary>How a plugin file was packaged.</summary>
public enum PluginPackageFormat
{
    /// <summary>A bare WebAssembly core module following the canonical ABI of world <c>plugin</c>.</summary>
    CoreModule,

    /// <summary>A WebAssembly component binary.</summary>
    Component,

    /// <summary>A <c>.vtx</c> v1 container: <c>"VTX" 01</c> + component.</summary>
    VtxV1,

    /// <summary>A <c>.vtx</c> v2 container: <c>"VTX" 02</c> + u32-LE metadata length + metadata JSON + component.</summary>
    VtxV2,
}

/// <summary>
/// A decoded plugin file: the WebAssembly binary to run and what it came from. Containers follow vtx-format
/// (<c>VTX</c> magic, version byte). A component is parsed here (component-model Binary.md) and must export the
/// functions of world <c>plugin</c>; it is linked when compiled.
/// </summary>
/// <param name="Source">The file path or name the bytes came from.</param>
/// <param name="Format">How the file was packaged.</param>
/// <param name="Binary">The WebAssembly binary: a core module, or a component (see <see cref="IsComponent"/>).</param>
/// <param name="Metadata">The v2 container's metadata JSON object, otherwise <see langword="null"/>.</param>
public sealed record PluginPackage(string Source, PluginPackageFormat Format, ReadOnlyMemory<byte> Binary, JsonElement? Metadata)
{
    private static ReadOnlySpan<byte> VtxMagic => "VTX"u8;

    /// <summary>The binary to run. Kept for compatibility: for a component this is the component binary, not a core module.</summary>
    [Obsolete("Use Binary; a component is no longer reduced to one core module.")]
    public ReadOnlyMemory<byte> CoreModule => Binary;

    /// <summary><see langword="true"/> when <see cref="Binary"/> is a component (linked by the host) rather than a core module.</summary>
    public bool IsComponent => Component is not null;

    /// <summary>The parsed component, when the binary is one.</summary>
    internal ComponentAst? Component { get; private init; }

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
    /// <exception cref="VtxPluginException"><see cref="VtxErrorCode.InvalidPackage"/> for unreadable bytes (a malformed component included);
    /// <see cref="VtxErrorCode.UnsupportedPluginShape"/> for a component that does not export world <c>plugin</c> or uses a feature the host does not run.</exception>
    public static PluginPackage Decode(ReadOnlyMemory<byte> bytes, string source)
    {
        var span = bytes.Span;
        return span.Length >= 4 && span[..3].SequenceEqual(VtxMagic)
            ? DecodeContainer(bytes, source)
            : FromBinary(bytes, source, null, null);
    }

    private static PluginPackage DecodeContainer(ReadOnlyMemory<byte> bytes, string source)
    {
        var version = bytes.Span[3];
        switch (version)
        {
            case 1:
                return FromBinary(bytes[4..], source, PluginPackageFormat.VtxV1, null);
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

                return FromBinary(bytes[(8 + (int)length)..], source, PluginPackageFormat.VtxV2, metadata);
            default:
                throw Invalid(source, $"unknown .vtx container version {version} (supported: 1, 2)");
        }
    }

    /// <summary>A package of a core module or a component; <paramref name="container"/> is null for a bare binary.</summary>
    private static PluginPackage FromBinary(ReadOnlyMemory<byte> binary, string source, PluginPackageFormat? container, JsonElement? metadata)
    {
        if (WasmBinary.Classify(binary.Span, source) == WasmBinaryKind.CoreModule)
        {
            return new PluginPackage(source, container ?? PluginPackageFormat.CoreModule, binary, metadata);
        }

        ComponentAst component;
        try
        {
            component = ComponentParser.Parse(binary);
        }
        catch (ComponentFormatException ex)
        {
            throw ex.IsUnsupported
                ? new VtxPluginException(VtxErrorCode.UnsupportedPluginShape, $"{source}: unsupported plugin shape: {ex.Message}.", source)
                : Invalid(source, "malformed component: " + ex.Message);
        }

        var exported = component.Definitions.OfType<ExportDefinition>().Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        var missing = PluginWorld.Exports.Select(e => e.Name).Where(name => !exported.Contains(name)).ToList();
        if (missing.Count > 0)
        {
            throw new VtxPluginException(VtxErrorCode.UnsupportedPluginShape,
                $"{source}: unsupported plugin shape: the component does not export {string.Join(", ", missing.Select(m => $"'{m}'"))} of world plugin (vtx:api@1.2.6); found {WasmBinary.DescribeShape(component)}.", source);
        }

        return new PluginPackage(source, container ?? PluginPackageFormat.Component, binary, metadata) { Component = component };
    }

    private static VtxPluginException Invalid(string source, string problem) =>
        new(VtxErrorCode.InvalidPackage, $"{source}: {problem}.", source);
}
