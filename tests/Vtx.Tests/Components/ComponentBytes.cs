using System.Text;

namespace Vtx.Tests.Components;

/// <summary>
/// Writes small component binaries byte by byte (component-model Binary.md), for tests of shapes no toolchain emits on
/// purpose: unknown imports, broken graphs. <see cref="WorldSkeleton"/> exports the five function names of world
/// <c>plugin</c>, all typed <c>func()</c> and lifted from one empty core function.
/// </summary>
internal sealed class ComponentBytes
{
    private readonly List<byte> _bytes = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];

    public static readonly string[] WorldExports = ["handle", "get-migrations", "get-manifest", "get-resources", "authenticate"];

    /// <summary>A section holding a vector of items.</summary>
    public ComponentBytes Section(byte id, params byte[][] items)
    {
        List<byte> content = [.. U32((uint)items.Length)];
        foreach (var item in items)
        {
            content.AddRange(item);
        }

        return Raw(id, [.. content]);
    }

    public ComponentBytes Raw(byte id, byte[] content)
    {
        _bytes.Add(id);
        _bytes.AddRange(U32((uint)content.Length));
        _bytes.AddRange(content);
        return this;
    }

    public ComponentBytes CoreModule(string wat) => Raw(1, Wasmtime.Module.ConvertText(wat));

    public byte[] Build() => [.. _bytes];

    /// <summary>
    /// Core module 0 with an empty function <paramref name="coreExport"/>, core instance 0 of it, core func 0 aliased from
    /// <paramref name="aliased"/>, type 0 = <c>func()</c>, func 0 = lift of core func 0, and the world's five export names on func 0.
    /// </summary>
    public static ComponentBytes WorldSkeleton(string coreExport = "f", string aliased = "f", uint liftType = 0) => new ComponentBytes()
        .CoreModule($"""(module (func (export "{coreExport}")))""")
        .Section(2, [0x00, 0x00, 0x00])
        .Section(6, [0x00, 0x00, 0x01, 0x00, .. Name(aliased)])
        .Section(7, [0x40, 0x00, 0x01, 0x00])
        .Section(8, [0x00, 0x00, 0x00, 0x00, .. U32(liftType)]);

    /// <summary>Adds an empty instance type and an import of it named <paramref name="name"/> (an interface the host may not know).</summary>
    public ComponentBytes ImportInstance(string name, uint typeIndex = 1) =>
        Section(7, [0x42, 0x00]).Section(10, [0x00, .. Name(name), 0x05, .. U32(typeIndex)]);

    /// <summary>Exports func 0 under the world's five names.</summary>
    public ComponentBytes ExportWorld() =>
        Section(11, WorldExports.Select(name => (byte[])[0x00, .. Name(name), 0x01, 0x00, 0x00]).ToArray());

    public static byte[] Name(string name) => [.. U32((uint)Encoding.UTF8.GetByteCount(name)), .. Encoding.UTF8.GetBytes(name)];

    public static byte[] U32(uint value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7f);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);

        return [.. bytes];
    }
}
