using System.Text;
using Vtx.Host.Components.Abi;
using Vtx.Host.Components.Binary;
using Vtx.Host.Components.Types;
using Vtx.Host.Runtime;
using Wasmtime;

namespace Vtx.Tests.Components;

/// <summary>
/// Layout, flattening, lifting and lowering of the canonical ABI against values worked out by hand from
/// CanonicalABI.md (sizes, alignments, joined flat types, byte images in memory).
/// </summary>
public sealed class CanonicalAbiLayoutTests : IDisposable
{
    private readonly Engine _engine = new();
    private readonly Store _store;
    private readonly Memory _memory;
    private int _heap = 1024;

    public CanonicalAbiLayoutTests()
    {
        _store = new Store(_engine);
        _memory = new Memory(_store, 1);
    }

    [Fact]
    public void World_types_have_the_layouts_of_the_spec()
    {
        // db-value: u8 discriminant, payload (string 8 B / s64 / f64) at 8 → 16 bytes, align 8;
        // flat: i32 discriminant, then join(i32, i64, f64) = i64, then the string length i32.
        Assert.Equal((16, 8), (PluginWorld.DbValue.Size, PluginWorld.DbValue.Alignment));
        Assert.Equal([ValueKind.Int32, ValueKind.Int64, ValueKind.Int32], PluginWorld.DbValue.Flat);
        // http-response: status u16 @0, option<own<buffer>> (u8 discriminant, handle @4) @4 → 12 bytes, align 4.
        Assert.Equal((12, 4), (PluginWorld.HttpResponse.Size, PluginWorld.HttpResponse.Alignment));
        Assert.Equal([0, 4], PluginWorld.HttpResponse.Offsets);
        // result<user-context, u16>: discriminant, then 4 × (ptr, len) at 4 → 36 bytes.
        var authenticate = PluginWorld.ExportType("authenticate");
        Assert.Equal(36, authenticate.Result!.Size);
    }

    [Fact]
    public void Function_types_flatten_to_the_core_signatures_of_the_spec()
    {
        // handle: 3 strings → 6 i32; the response flattens to 3 values (> 1) → returned through a pointer.
        Assert.Equal("(i32 i32 i32 i32 i32 i32) -> (i32)", PluginWorld.ExportType("handle").LiftSignature.ToString());
        // sql.execute lowered: statement (2), list (2), result through a trailing pointer.
        Assert.Equal("(i32 i32 i32 i32 i32) -> ()", PluginWorld.Execute.LowerSignature.ToString());
        Assert.Equal("(i32 i64 i64 i32) -> ()", PluginWorld.BufferRead.LowerSignature.ToString());
        // 17 flat parameters go through memory as one pointer.
        var wide = new FuncType(Enumerable.Range(0, 17).Select(i => new Field("p" + i, PrimType.Of(PrimKind.U32))).ToList(), null);
        Assert.Equal("(i32) -> ()", wide.LiftSignature.ToString());
    }

    [Fact]
    public void A_db_value_is_stored_as_its_byte_image()
    {
        var cx = Context(StringEncoding.Utf8);

        Lowering.Store(cx, new WitVariant("real", 2.5), PluginWorld.DbValue, 16, "value");

        // Discriminant 2 at 16, the f64 at 24 (16 + align_to(1, 8)).
        Assert.Equal(2, _memory.ReadByte(16));
        Assert.Equal(2.5, _memory.ReadDouble(24));
        Assert.Equal(new WitVariant("real", 2.5), Lifting.Load(cx, 16, PluginWorld.DbValue, "value"));
    }

    [Fact]
    public void Variants_flatten_through_joined_slots_and_back()
    {
        var cx = Context(StringEncoding.Utf8);
        var type = new VariantType([new Case("f", PrimType.Of(PrimKind.F32)), new Case("n", PrimType.Of(PrimKind.U64)), new Case("none", null)]);
        Span<ulong> flat = stackalloc ulong[3];

        var writer = new FlatWriter(flat);
        Lowering.Flat(cx, new WitVariant("f", 1.5f), type, ref writer, "value");

        // [discriminant 0, the f32's bits zero-extended in the joined i64 slot].
        Assert.Equal(2, writer.Count);
        Assert.Equal([0ul, (ulong)BitConverter.SingleToInt32Bits(1.5f)], flat[..2].ToArray());
        var reader = new FlatReader(flat[..2]);
        Assert.Equal(new WitVariant("f", 1.5f), Lifting.Flat(cx, ref reader, type, "value"));
    }

    [Theory]
    [InlineData("utf8", "héllo", new byte[] { 0x68, 0xc3, 0xa9, 0x6c, 0x6c, 0x6f }, 6u)]
    [InlineData("utf16", "hé", new byte[] { 0x68, 0, 0xe9, 0 }, 2u)]
    [InlineData("latin1+utf16", "hé", new byte[] { 0x68, 0xe9 }, 2u)]
    [InlineData("latin1+utf16", "h€", new byte[] { 0x68, 0, 0xac, 0x20 }, 0x8000_0002u)]
    public void Strings_are_placed_in_the_encoding_of_the_options(string encoding, string text, byte[] image, uint units)
    {
        var cx = Context(encoding switch { "utf8" => StringEncoding.Utf8, "utf16" => StringEncoding.Utf16, _ => StringEncoding.Latin1Utf16 });

        var (address, taggedUnits) = Lowering.String(cx, text, "text");

        Assert.Equal(units, taggedUnits);
        Assert.Equal(image, _memory.GetSpan(address, image.Length).ToArray());
        Assert.Equal(text, Lifting.String(cx, address, taggedUnits, "text"));
    }

    [Fact]
    public void Invalid_values_from_the_guest_are_abi_violations()
    {
        var cx = Context(StringEncoding.Utf8);
        _memory.WriteByte(96, 7);
        _memory.GetSpan(200, 2)[0] = 0xc3;
        _memory.GetSpan(200, 2)[1] = 0x28;

        var discriminant = Assert.Throws<Vtx.Host.VtxPluginException>(() => Lifting.Load(cx, 96, PluginWorld.DbValue, "params"));
        var utf8 = Assert.Throws<Vtx.Host.VtxPluginException>(() => Lifting.String(cx, 200, 2, "statement"));
        var surrogate = Assert.Throws<Vtx.Host.VtxPluginException>(() => LiftChar(cx, 0xD800));

        Assert.Contains("params: invalid variant discriminant 7", discriminant.Message, StringComparison.Ordinal);
        Assert.Contains("statement: the string is not valid UTF-8", utf8.Message, StringComparison.Ordinal);
        Assert.Contains("0xd800 is not a Unicode scalar value", surrogate.Message, StringComparison.Ordinal);
        Assert.All(new[] { discriminant, utf8, surrogate }, e => Assert.Equal(Vtx.Host.VtxErrorCode.AbiViolation, e.Code));
    }

    [Fact]
    public void Records_lists_flags_and_chars_round_trip_through_memory()
    {
        var cx = Context(StringEncoding.Utf8);
        var type = new RecordType([
            new Field("name", PrimType.String),
            new Field("tags", new ListType(PrimType.String)),
            new Field("mode", new FlagsType(["read", "write", "exec"])),
            new Field("mark", PrimType.Of(PrimKind.Char)),
            new Field("bytes", new ListType(PrimType.Of(PrimKind.U8))),
        ]);
        object?[] value = ["x", new object?[] { "a", "bc" }, 0b101u, new Rune(0x1F600), new byte[] { 1, 2, 3 }];

        Lowering.Store(cx, value, type, 64, "value");
        var back = (object?[])Lifting.Load(cx, 64, type, "value")!;

        // name (8) @0, tags (8) @8, mode (1 byte) @16, mark (u32) @20, bytes (8) @24.
        Assert.Equal((32, 4), (type.Size, type.Alignment));
        Assert.Equal(0b101, _memory.ReadByte(64 + 16));
        Assert.Equal(0x1F600, _memory.ReadInt32(64 + 20));
        Assert.Equal("x", back[0]);
        Assert.Equal(["a", "bc"], (object?[])back[1]!);
        Assert.Equal(0b101u, back[2]);
        Assert.Equal(new Rune(0x1F600), back[3]);
        Assert.Equal([1, 2, 3], (byte[])back[4]!);
    }

    private static object? LiftChar(AbiContext cx, ulong bits)
    {
        var reader = new FlatReader([bits]);
        return Lifting.Flat(cx, ref reader, PrimType.Of(PrimKind.Char), "c");
    }

    public void Dispose()
    {
        _store.Dispose();
        _engine.Dispose();
    }

    /// <summary>A context over the test memory with a bump allocator as realloc.</summary>
    private AbiContext Context(StringEncoding encoding)
    {
        var memory = new GuestMemory(_memory, (_, _, align, size) =>
        {
            _heap = (_heap + align - 1) / align * align;
            var address = _heap;
            _heap += Math.Max(size, 1);
            return address;
        }, "test");
        return new AbiContext(() => memory, encoding, new HandleTable(8, "test"), new object(), "test");
    }
}
