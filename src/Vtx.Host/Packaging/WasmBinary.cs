using Vtx.Host.Components.Binary;

namespace Vtx.Host.Packaging;

/// <summary>The two kinds of WebAssembly binary.</summary>
internal enum WasmBinaryKind
{
    CoreModule,
    Component,
}

/// <summary>
/// Reads what packaging needs of a WebAssembly binary: the preamble (core module or component), and for messages
/// about a component's shape, the export names of its core modules.
/// </summary>
internal static class WasmBinary
{
    private const byte ModuleExportSection = 7;

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

    /// <summary>"N core module(s) (exports a,b,…; no exports), M nested component(s)" for a component's top level.</summary>
    public static string DescribeShape(ComponentAst component)
    {
        var modules = component.Definitions.OfType<CoreModuleDefinition>().Select(m => Describe(ExportNames(m.Bytes))).ToList();
        var nested = component.Definitions.OfType<NestedComponentDefinition>().Count();
        return $"{modules.Count} core module(s) ({string.Join("; ", modules)}), {nested} nested component(s)";
    }

    private static string Describe(List<string> exports) =>
        exports.Count == 0 ? "no exports" : "exports " + string.Join(",", exports.Take(4)) + (exports.Count > 4 ? ",…" : "");

    /// <summary>The export names of a core module; empty when it cannot be read (Wasmtime reports that when compiling it).</summary>
    private static List<string> ExportNames(ReadOnlyMemory<byte> module)
    {
        var names = new List<string>();
        try
        {
            var reader = new WasmReader(module);
            reader.ReadBytes(8, "preamble");
            while (!reader.AtEnd)
            {
                var id = reader.ReadByte();
                var section = reader.Sub(reader.ReadU32(), "section");
                if (id != ModuleExportSection)
                {
                    continue;
                }

                var count = section.ReadCount("exports");
                for (var i = 0; i < count; i++)
                {
                    names.Add(section.ReadName());
                    section.ReadByte();
                    section.ReadU32();
                }
            }
        }
        catch (ComponentFormatException)
        {
            // Described as far as it could be read.
        }

        return names;
    }
}
