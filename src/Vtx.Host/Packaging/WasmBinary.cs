using System.Text;

namespace Vtx.Host.Packaging;

/// <summary>The two kinds of WebAssembly binary.</summary>
internal enum WasmBinaryKind
{
    CoreModule,
    Component,
}

/// <summary>
/// Reads just enough of the WebAssembly binary format: the preamble, the top-level sections
/// (id byte + LEB128 size) of a component, and the export names of a core module.
/// </summary>
internal static class WasmBinary
{
    private const byte ComponentCoreModuleSection = 1;
    private const byte ComponentComponentSection = 4;
    private const byte ModuleExportSection = 7;

    /// <summary>The export that marks the plugin's own module inside a component.</summary>
    private const string MainExport = "get-manifest";

    public static WasmBinaryKind Classify(ReadOnlySpan<byte> bytes, string source)
    {
        if (bytes.Length < 8 || !bytes[..4].SequenceEqual("\0asm"u8))
        {
            throw new VtxPluginException(VtxErrorCode.InvalidPackage,
                $"{source}: not a WebAssembly binary or .vtx container (expected \"\\0asm\" or \"VTX\" at the start).", source);
        }

        return bytes[4..8] switch
        {
            [1, 0, 0, 0] => WasmBinaryKind.CoreModule,
            [0x0d, 0, 1, 0] => WasmBinaryKind.Component,
            var other => throw new VtxPluginException(VtxErrorCode.InvalidPackage,
                $"{source}: unknown WebAssembly version/layer bytes {Convert.ToHexString(other)}.", source),
        };
    }

    /// <summary>Takes the core module that exports <c>get-manifest</c> out of a component.</summary>
    public static ReadOnlyMemory<byte> ExtractMainModule(ReadOnlyMemory<byte> component, string source)
    {
        var modules = new List<(ReadOnlyMemory<byte> Bytes, IReadOnlyList<string> Exports)>();
        var nestedComponents = 0;
        foreach (var (id, content) in Sections(component, 8, source))
        {
            if (id == ComponentCoreModuleSection)
            {
                modules.Add((content, ExportNames(content, source)));
            }
            else if (id == ComponentComponentSection)
            {
                nestedComponents++;
            }
        }

        var main = modules.Where(m => m.Exports.Contains(MainExport)).ToList();
        if (main.Count == 1)
        {
            return main[0].Bytes;
        }

        var found = $"{modules.Count} core module(s) ({string.Join("; ", modules.Select(Describe))}), {nestedComponents} nested component(s)";
        throw new VtxPluginException(VtxErrorCode.UnsupportedPluginShape,
            $"{source}: unsupported plugin shape: expected a component with exactly one core module exporting '{MainExport}' "
            + $"(plus an optional WASI preview1 adapter), found {found}.", source);
    }

    private static string Describe((ReadOnlyMemory<byte> Bytes, IReadOnlyList<string> Exports) module) =>
        module.Exports.Count == 0 ? "no exports" : "exports " + string.Join(",", module.Exports.Take(4)) + (module.Exports.Count > 4 ? ",…" : "");

    private static List<(byte Id, ReadOnlyMemory<byte> Content)> Sections(ReadOnlyMemory<byte> binary, int offset, string source)
    {
        var sections = new List<(byte, ReadOnlyMemory<byte>)>();
        var span = binary.Span;
        while (offset < span.Length)
        {
            var id = span[offset++];
            var size = ReadU32(span, ref offset, source);
            if (size > (ulong)(span.Length - offset))
            {
                throw Truncated(source, $"section {id} at byte {offset} claims {size} bytes, past the end");
            }

            sections.Add((id, binary.Slice(offset, (int)size)));
            offset += (int)size;
        }

        return sections;
    }

    private static List<string> ExportNames(ReadOnlyMemory<byte> module, string source)
    {
        var names = new List<string>();
        if (module.Length < 8)
        {
            throw Truncated(source, "an embedded core module is shorter than its preamble");
        }

        foreach (var (id, content) in Sections(module, 8, source))
        {
            if (id != ModuleExportSection)
            {
                continue;
            }

            var span = content.Span;
            var at = 0;
            var count = ReadU32(span, ref at, source);
            for (var i = 0u; i < count; i++)
            {
                var length = ReadU32(span, ref at, source);
                if (length > (ulong)(span.Length - at))
                {
                    throw Truncated(source, "an export name runs past its section");
                }

                names.Add(Encoding.UTF8.GetString(span.Slice(at, (int)length)));
                at += (int)length + 1; // name, then the export kind byte
                ReadU32(span, ref at, source); // the exported item's index
            }
        }

        return names;
    }

    private static uint ReadU32(ReadOnlySpan<byte> span, ref int offset, string source)
    {
        uint result = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (offset >= span.Length)
            {
                throw Truncated(source, "a LEB128 number runs past the end");
            }

            var b = span[offset++];
            result |= (uint)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw Truncated(source, "a LEB128 number is longer than 5 bytes");
    }

    private static VtxPluginException Truncated(string source, string problem) =>
        new(VtxErrorCode.InvalidPackage, $"{source}: malformed WebAssembly binary: {problem}.", source);
}
