namespace Vtx.Host.Components.Binary;

/// <summary>
/// Skips core type definitions inside a component (Binary.md, <c>core:type</c>): function types and module types.
/// The linker does not need them (core modules carry their own types); reading them checks their structure and finds
/// where the next definition starts. GC types (struct, array, rec groups, subtypes) are refused as unsupported.
/// </summary>
internal static class CoreTypes
{
    public static void Skip(WasmReader r, int depth)
    {
        if (depth > 64)
        {
            throw r.Error("core types are nested more than 64 deep");
        }

        switch (r.ReadByte())
        {
            case 0x60:
                SkipValTypes(r);
                SkipValTypes(r);
                break;
            case 0x50:
                var count = r.ReadCount("module type declarations");
                for (var i = 0; i < count; i++)
                {
                    SkipModuleDeclaration(r, depth);
                }

                break;
            case var other:
                throw new ComponentFormatException($"the core type form 0x{other:x2} (garbage-collection types) is not supported by this host (at byte {r.Offset - 1})", unsupported: true);
        }
    }

    private static void SkipModuleDeclaration(WasmReader r, int depth)
    {
        switch (r.ReadByte())
        {
            case 0x00: // import
                r.ReadName();
                r.ReadName();
                SkipExternType(r);
                break;
            case 0x01:
                Skip(r, depth + 1);
                break;
            case 0x02: // outer alias of a core type
                if (r.ReadByte() != 0x10 || r.ReadByte() != 0x01)
                {
                    throw r.Error("a module type alias must be an outer alias of a core type");
                }

                r.ReadU32();
                r.ReadU32();
                break;
            case 0x03: // export
                r.ReadName();
                SkipExternType(r);
                break;
            case var other:
                throw r.Error($"unknown module type declarator 0x{other:x2}");
        }
    }

    private static void SkipExternType(WasmReader r)
    {
        switch (r.ReadByte())
        {
            case 0x00: // func
                r.ReadU32();
                break;
            case 0x01: // table
                SkipValType(r);
                SkipLimits(r);
                break;
            case 0x02: // memory
                SkipLimits(r);
                break;
            case 0x03: // global
                SkipValType(r);
                r.ReadByte();
                break;
            case 0x04: // tag
                r.ReadByte();
                r.ReadU32();
                break;
            case var other:
                throw r.Error($"unknown core extern type 0x{other:x2}");
        }
    }

    private static void SkipLimits(WasmReader r)
    {
        var flags = r.ReadU32();
        r.SkipLeb();
        if ((flags & 0x01) != 0)
        {
            r.SkipLeb();
        }

        if ((flags & 0x08) != 0)
        {
            r.SkipLeb();
        }
    }

    private static void SkipValTypes(WasmReader r)
    {
        var count = r.ReadCount("core value types");
        for (var i = 0; i < count; i++)
        {
            SkipValType(r);
        }
    }

    private static void SkipValType(WasmReader r)
    {
        var b = r.ReadByte();
        switch (b)
        {
            case >= 0x7b and <= 0x7f: // i32 i64 f32 f64 v128
            case >= 0x69 and <= 0x74: // abbreviated reference types
                break;
            case 0x63:
            case 0x64: // (ref null? heaptype)
                r.ReadS33();
                break;
            default:
                throw r.Error($"unknown core value type 0x{b:x2}");
        }
    }
}
