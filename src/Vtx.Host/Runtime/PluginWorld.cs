using Vtx.Host.Components.Binary;
using Vtx.Host.Components.Types;
using Vtx.Protocol;

namespace Vtx.Host.Runtime;

/// <summary>
/// World <c>plugin</c> of <c>vtx:api@1.2.6</c> (src/Vtx.Protocol/wit/vtx.wit) as resolved component types: what a
/// component's exports are checked against, the types a bare core module is lifted and lowered with (it has no type
/// section of its own), and the declared types of the <c>sql</c> and <c>stream-io</c> host functions.
/// </summary>
internal static class PluginWorld
{
    public const string Package = "vtx:api";
    public const string Version = "1.2.6";

    public static readonly ResourceType Buffer = ResourceType.Host<VtxBuffer>("buffer");

    private static readonly WitType Str = PrimType.String;
    private static readonly WitType U16 = PrimType.Of(PrimKind.U16);
    private static readonly WitType U64 = PrimType.Of(PrimKind.U64);

    public static readonly VariantType DbValue = new(
        [new("text", Str), new("integer", PrimType.Of(PrimKind.S64)), new("real", PrimType.Of(PrimKind.F64)), new("null-val", null)]);

    public static readonly RecordType HttpRequest = Record(("method", Str), ("path", Str), ("query", Str));

    public static readonly RecordType HttpResponse = Record(("status", U16), ("body", VariantType.Option(new HandleType(Buffer, own: true))));

    public static readonly RecordType Manifest = Record(("id", Str), ("name", Str), ("version", Str), ("description", Str), ("entrypoint", Str));

    public static readonly RecordType UserContext = Record(("user-id", Str), ("username", Str), ("groups", new ListType(Str)), ("metadata", Str));

    /// <summary>The world's exports in WIT order.</summary>
    public static readonly IReadOnlyList<(string Name, FuncType Type)> Exports =
    [
        ("handle", Func(HttpResponse, ("req", HttpRequest))),
        ("get-migrations", Func(new ListType(Str))),
        ("get-manifest", Func(Manifest)),
        ("get-resources", Func(new ListType(Str))),
        ("authenticate", Func(VariantType.Result(UserContext, U16), ("headers", new ListType(RecordType.Tuple(Str, Str))))),
    ];

    public static readonly FuncType Execute = Func(VariantType.Result(U64, Str), ("statement", Str), ("params", new ListType(DbValue)));

    public static readonly FuncType QueryJson = Func(VariantType.Result(Str, Str), ("statement", Str), ("params", new ListType(DbValue)));

    public static readonly FuncType OpenFile = Func(VariantType.Result(new HandleType(Buffer, own: true), Str), ("uuid", Str));

    public static readonly FuncType CreateMemoryBuffer = Func(new HandleType(Buffer, own: true), ("data", new ListType(PrimType.Of(PrimKind.U8))));

    public static readonly FuncType BufferSize = Func(U64, ("self", new HandleType(Buffer, own: false)));

    public static readonly FuncType BufferRead = Func(new ListType(PrimType.Of(PrimKind.U8)), ("self", new HandleType(Buffer, own: false)), ("offset", U64), ("max-bytes", U64));

    public static FuncType ExportType(string name) => Exports.First(e => e.Name == name).Type;

    private static RecordType Record(params (string Name, WitType Type)[] fields) => new(fields.Select(f => new Field(f.Name, f.Type)).ToList());

    private static FuncType Func(WitType? result, params (string Name, WitType Type)[] parameters) =>
        new(parameters.Select(p => new Field(p.Name, p.Type)).ToList(), result);
}
