namespace Vtx.Host.Components.Binary;

/// <summary>
/// Parses the component binary format (component-model Binary.md) into a <see cref="ComponentAst"/>: every section in
/// order, nested components included. Core modules are kept as byte ranges (Wasmtime compiles and validates them);
/// core types are skipped after checking their structure. Input is treated as hostile: every length and count is
/// checked against the bytes left, nesting is bounded, and a problem throws <see cref="ComponentFormatException"/>
/// naming the byte offset.
/// </summary>
internal static class ComponentParser
{
    /// <summary>Deepest nesting of components and type declarators accepted.</summary>
    private const int MaxDepth = 64;

    public static ComponentAst Parse(ReadOnlyMemory<byte> binary) => ParseComponent(new WasmReader(binary), 0);

    private static ComponentAst ParseComponent(WasmReader reader, int depth)
    {
        if (depth > MaxDepth)
        {
            throw reader.Error($"components are nested more than {MaxDepth} deep");
        }

        ReadPreamble(reader);
        var definitions = new List<Definition>();
        while (!reader.AtEnd)
        {
            var id = reader.ReadByte();
            var size = reader.ReadU32();
            var section = reader.Sub(size, $"section {id}");
            ReadSection(section, id, definitions, depth);
            if (!section.AtEnd)
            {
                throw section.Error($"section {id} has {section.Remaining} bytes left over");
            }
        }

        return new ComponentAst(definitions);
    }

    private static void ReadPreamble(WasmReader reader)
    {
        ReadOnlySpan<byte> expected = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];
        foreach (var b in expected)
        {
            if (reader.ReadByte() != b)
            {
                throw reader.Error("not a component preamble (\\0asm, version 0x0d, layer 1)");
            }
        }
    }

    private static void ReadSection(WasmReader r, byte id, List<Definition> definitions, int depth)
    {
        switch (id)
        {
            case 0: // custom
                r.ReadBytes((uint)r.Remaining, "custom section");
                break;
            case 1:
                definitions.Add(new CoreModuleDefinition(r.ReadBytes((uint)r.Remaining, "core module")));
                break;
            case 2:
                ReadVector(r, "core instances", definitions, ReadCoreInstance);
                break;
            case 3:
                ReadVector(r, "core types", definitions, x =>
                {
                    CoreTypes.Skip(x, depth);
                    return new CoreTypeDefinition();
                });
                break;
            case 4:
                definitions.Add(new NestedComponentDefinition(ParseComponent(r.Sub((uint)r.Remaining, "nested component"), depth + 1)));
                break;
            case 5:
                ReadVector(r, "instances", definitions, ReadInstance);
                break;
            case 6:
                ReadVector(r, "aliases", definitions, x => new AliasDefinition(ReadAlias(x)));
                break;
            case 7:
                ReadVector(r, "types", definitions, x => new TypeDefinition(ReadDefType(x, depth)));
                break;
            case 8:
                ReadVector(r, "canonical definitions", definitions, ReadCanon);
                break;
            case 9:
                r.ReadBytes((uint)r.Remaining, "start");
                definitions.Add(new UnsupportedDefinition("a component start function"));
                break;
            case 10:
                ReadVector(r, "imports", definitions, x => new ImportDefinition(ReadExternName(x), ReadExternType(x)));
                break;
            case 11:
                ReadVector(r, "exports", definitions, ReadExport);
                break;
            case 12:
                r.ReadBytes((uint)r.Remaining, "values");
                definitions.Add(new UnsupportedDefinition("component value definitions"));
                break;
            default:
                throw r.Error($"unknown component section id {id}");
        }
    }

    private static void ReadVector(WasmReader r, string what, List<Definition> definitions, Func<WasmReader, Definition> read)
    {
        var count = r.ReadCount(what);
        for (var i = 0; i < count; i++)
        {
            definitions.Add(read(r));
        }
    }

    private static Definition ReadCoreInstance(WasmReader r)
    {
        switch (r.ReadByte())
        {
            case 0x00:
                var module = r.ReadU32();
                var args = ReadList(r, "instantiation arguments", x =>
                {
                    var name = x.ReadName();
                    if (x.ReadByte() != (byte)CoreSort.Instance)
                    {
                        throw x.Error("a core instantiation argument must be an instance");
                    }

                    return new CoreInstantiateArg(name, x.ReadU32());
                });
                return new CoreInstantiateDefinition(module, args);
            case 0x01:
                return new CoreInlineInstanceDefinition(ReadList(r, "core inline exports", x => new CoreInlineExport(x.ReadName(), ReadCoreSort(x), x.ReadU32())));
            case var other:
                throw r.Error($"unknown core instance form 0x{other:x2}");
        }
    }

    private static Definition ReadInstance(WasmReader r)
    {
        switch (r.ReadByte())
        {
            case 0x00:
                var component = r.ReadU32();
                return new InstantiateDefinition(component, ReadList(r, "instantiation arguments", x => new InstantiateArg(x.ReadName(), ReadSortIndex(x))));
            case 0x01:
                return new InlineInstanceDefinition(ReadList(r, "inline exports", x => new InstantiateArg(ReadExternName(x), ReadSortIndex(x))));
            case var other:
                throw r.Error($"unknown instance form 0x{other:x2}");
        }
    }

    internal static Alias ReadAlias(WasmReader r)
    {
        var sort = ReadSort(r);
        return r.ReadByte() switch
        {
            0x00 => new InstanceExportAlias(sort, r.ReadU32(), r.ReadName()),
            0x01 => new CoreInstanceExportAlias(sort, r.ReadU32(), r.ReadName()),
            0x02 => new OuterAlias(sort, r.ReadU32(), r.ReadU32()),
            var other => throw r.Error($"unknown alias target 0x{other:x2}"),
        };
    }

    private static Definition ReadCanon(WasmReader r)
    {
        var opcode = r.ReadByte();
        switch (opcode)
        {
            case 0x00:
                ExpectByte(r, 0x00, "canon lift");
                var coreFunc = r.ReadU32();
                var liftOptions = ReadCanonOptions(r);
                return new CanonLiftDefinition(coreFunc, liftOptions, r.ReadU32());
            case 0x01:
                ExpectByte(r, 0x00, "canon lower");
                var func = r.ReadU32();
                return new CanonLowerDefinition(func, ReadCanonOptions(r));
            case 0x02:
            case 0x03:
            case 0x04:
                return new CanonResourceDefinition((ResourceBuiltin)opcode, r.ReadU32());
            default:
                // The async, thread and error-context built-ins have immediates of their own; the section cannot be read past one.
                throw new ComponentFormatException($"the canonical built-in 0x{opcode:x2} (component-model async, threads or error-context) is not supported by this host (at byte {r.Offset - 1})", unsupported: true);
        }
    }

    private static CanonOptionsForm ReadCanonOptions(WasmReader r)
    {
        var encoding = StringEncoding.Utf8;
        uint? memory = null, realloc = null, postReturn = null, callback = null;
        var isAsync = false;
        var count = r.ReadCount("canonical options");
        for (var i = 0; i < count; i++)
        {
            switch (r.ReadByte())
            {
                case 0x00: encoding = StringEncoding.Utf8; break;
                case 0x01: encoding = StringEncoding.Utf16; break;
                case 0x02: encoding = StringEncoding.Latin1Utf16; break;
                case 0x03: memory = r.ReadU32(); break;
                case 0x04: realloc = r.ReadU32(); break;
                case 0x05: postReturn = r.ReadU32(); break;
                case 0x06: isAsync = true; break;
                case 0x07: callback = r.ReadU32(); break;
                case var other: throw r.Error($"unknown canonical option 0x{other:x2}");
            }
        }

        return new CanonOptionsForm(encoding, memory, realloc, postReturn, isAsync, callback);
    }

    private static Definition ReadExport(WasmReader r)
    {
        var name = ReadExternName(r);
        var item = ReadSortIndex(r);
        var type = r.ReadByte() switch
        {
            0x00 => null,
            0x01 => ReadExternType(r),
            var other => throw r.Error($"invalid optional export type marker 0x{other:x2}"),
        };
        return new ExportDefinition(name, item, type);
    }

    /// <summary>Reads <c>nameattributes</c>: the name, with any attributes (implements, version suffix, external id) skipped.</summary>
    internal static string ReadExternName(WasmReader r)
    {
        var kind = r.ReadByte();
        var name = kind <= 0x02 ? r.ReadName() : throw r.Error($"unknown name form 0x{kind:x2}");
        if (kind == 0x02)
        {
            var attributes = r.ReadCount("name attributes");
            for (var i = 0; i < attributes; i++)
            {
                var attribute = r.ReadByte();
                _ = attribute <= 0x02 ? r.ReadName() : throw r.Error($"unknown name attribute 0x{attribute:x2}");
            }
        }

        return name;
    }

    internal static ExternType ReadExternType(WasmReader r)
    {
        var kind = r.ReadByte();
        switch (kind)
        {
            case 0x00:
                ExpectByte(r, 0x11, "core module type");
                return new ExternType(ComponentSort.Core, r.ReadU32());
            case 0x01:
            case 0x04:
            case 0x05:
                return new ExternType((ComponentSort)kind, r.ReadU32());
            case 0x02:
                if (r.ReadByte() == 0x00)
                {
                    r.ReadU32();
                }
                else
                {
                    ReadValType(r);
                }

                return new ExternType(ComponentSort.Value, 0);
            case 0x03:
                return r.ReadByte() switch
                {
                    0x00 => new ExternType(ComponentSort.Type, 0, new TypeBound(r.ReadU32())),
                    0x01 => new ExternType(ComponentSort.Type, 0, new TypeBound(null)),
                    var other => throw r.Error($"unknown type bound 0x{other:x2}"),
                };
            default:
                throw r.Error($"unknown extern type 0x{kind:x2}");
        }
    }

    internal static TypeForm ReadDefType(WasmReader r, int depth)
    {
        var b = r.PeekByte();
        switch (b)
        {
            case 0x40:
            case 0x43:
                r.ReadByte();
                var parameters = ReadList(r, "parameters", x => new LabeledType(x.ReadName(), ReadValType(x)));
                return r.ReadByte() switch
                {
                    0x00 => new FuncForm(parameters, ReadValType(r), b == 0x43),
                    0x01 => r.ReadU32() == 0 ? new FuncForm(parameters, null, b == 0x43) : throw r.Error("named function results (an older binary format) are not supported"),
                    var other => throw r.Error($"unknown result list form 0x{other:x2}"),
                };
            case 0x41:
                r.ReadByte();
                return new ComponentTypeForm(ReadDeclarations(r, depth, component: true));
            case 0x42:
                r.ReadByte();
                return new InstanceTypeForm(ReadDeclarations(r, depth, component: false));
            case 0x3f:
                r.ReadByte();
                var representation = r.ReadByte();
                uint? destructor = r.ReadByte() switch
                {
                    0x00 => null,
                    0x01 => r.ReadU32(),
                    var other => throw r.Error($"invalid optional destructor marker 0x{other:x2}"),
                };
                return new ResourceForm(representation, destructor);
            default:
                return ReadDefValType(r);
        }
    }

    private static TypeForm ReadDefValType(WasmReader r)
    {
        var b = r.ReadByte();
        if (TryPrimitive(b, out var primitive))
        {
            return new PrimForm(primitive);
        }

        return b switch
        {
            0x72 => new RecordForm(ReadList(r, "record fields", x => new LabeledType(x.ReadName(), ReadValType(x)))),
            0x71 => new VariantForm(ReadList(r, "variant cases", ReadCase)),
            0x70 => new ListForm(ReadValType(r)),
            0x67 => Unsupported(ReadValType(r), r.ReadU32(), "fixed-length list"),
            0x6f => new TupleForm(ReadList(r, "tuple items", ReadValType)),
            0x6e => new FlagsForm(ReadList(r, "flags", x => x.ReadName())),
            0x6d => new EnumForm(ReadList(r, "enum cases", x => x.ReadName())),
            0x6b => new OptionForm(ReadValType(r)),
            0x6a => new ResultForm(ReadOptionalValType(r), ReadOptionalValType(r)),
            0x69 => new HandleForm(r.ReadU32(), Own: true),
            0x68 => new HandleForm(r.ReadU32(), Own: false),
            0x66 => Unsupported(ReadOptionalValType(r), 0, "stream"),
            0x65 => Unsupported(ReadOptionalValType(r), 0, "future"),
            0x64 => new UnsupportedForm("error-context"),
            0x63 => Unsupported(ReadValType(r), ReadValType(r), "map"),
            _ => throw r.Error($"unknown type form 0x{b:x2}"),
        };

        static UnsupportedForm Unsupported<TA, TB>(TA first, TB second, string what) => new(what);
    }

    private static CaseForm ReadCase(WasmReader r)
    {
        var label = r.ReadName();
        var type = ReadOptionalValType(r);
        switch (r.ReadByte())
        {
            case 0x00:
                break;
            case 0x01: // an older "refines" index, ignored
                r.ReadU32();
                break;
            case var other:
                throw r.Error($"invalid variant case terminator 0x{other:x2}");
        }

        return new CaseForm(label, type);
    }

    private static ValTypeRef? ReadOptionalValType(WasmReader r) => r.ReadByte() switch
    {
        0x00 => null,
        0x01 => ReadValType(r),
        var other => throw r.Error($"invalid optional type marker 0x{other:x2}"),
    };

    internal static ValTypeRef ReadValType(WasmReader r)
    {
        var b = r.PeekByte();
        if (TryPrimitive(b, out var primitive))
        {
            r.ReadByte();
            return ValTypeRef.Prim(primitive);
        }

        var index = r.ReadS33();
        return index is >= 0 and <= uint.MaxValue ? ValTypeRef.Indexed((uint)index) : throw r.Error($"invalid value type {index}");
    }

    private static bool TryPrimitive(byte b, out PrimKind kind)
    {
        kind = b switch
        {
            0x7f => PrimKind.Bool,
            0x7e => PrimKind.S8,
            0x7d => PrimKind.U8,
            0x7c => PrimKind.S16,
            0x7b => PrimKind.U16,
            0x7a => PrimKind.S32,
            0x79 => PrimKind.U32,
            0x78 => PrimKind.S64,
            0x77 => PrimKind.U64,
            0x76 => PrimKind.F32,
            0x75 => PrimKind.F64,
            0x74 => PrimKind.Char,
            0x73 => PrimKind.String,
            _ => (PrimKind)255,
        };
        return kind != (PrimKind)255;
    }

    private static List<Declaration> ReadDeclarations(WasmReader r, int depth, bool component)
    {
        if (depth + 1 > MaxDepth)
        {
            throw r.Error($"types are nested more than {MaxDepth} deep");
        }

        return ReadList<Declaration>(r, "type declarations", x =>
        {
            var kind = x.ReadByte();
            switch (kind)
            {
                case 0x00:
                    CoreTypes.Skip(x, depth + 1);
                    return new CoreTypeDeclaration();
                case 0x01:
                    return new TypeDeclaration(ReadDefType(x, depth + 1));
                case 0x02:
                    return new AliasDeclaration(ReadAlias(x));
                case 0x03 when component:
                    return new ImportDeclaration(ReadExternName(x), ReadExternType(x));
                case 0x04:
                    return new ExportDeclaration(ReadExternName(x), ReadExternType(x));
                default:
                    throw x.Error($"unknown {(component ? "component" : "instance")} type declarator 0x{kind:x2}");
            }
        });
    }

    private static SortIndex ReadSortIndex(WasmReader r) => new(ReadSort(r), r.ReadU32());

    private static Sort ReadSort(WasmReader r)
    {
        var kind = r.ReadByte();
        return kind switch
        {
            0x00 => Sort.OfCore(ReadCoreSort(r)),
            >= 0x01 and <= 0x05 => new Sort((ComponentSort)kind),
            _ => throw r.Error($"unknown sort 0x{kind:x2}"),
        };
    }

    private static CoreSort ReadCoreSort(WasmReader r)
    {
        var b = r.ReadByte();
        return b is <= 0x04 or 0x10 or 0x11 or 0x12 ? (CoreSort)b : throw r.Error($"unknown core sort 0x{b:x2}");
    }

    private static void ExpectByte(WasmReader r, byte expected, string what)
    {
        var b = r.ReadByte();
        if (b != expected)
        {
            throw r.Error($"{what}: expected 0x{expected:x2}, found 0x{b:x2}");
        }
    }

    private static List<T> ReadList<T>(WasmReader r, string what, Func<WasmReader, T> read)
    {
        var count = r.ReadCount(what);
        var items = new List<T>(count);
        for (var i = 0; i < count; i++)
        {
            items.Add(read(r));
        }

        return items;
    }
}
