using Vtx.Host;
using Vtx.Host.Lifecycle;
using Vtx.Host.Packaging;
using Vtx.Host.Ports;
using Vtx.Tests.Host;

namespace Vtx.Tests.Components;

/// <summary>
/// Components the host must refuse — an import beyond world plugin and WASI, a graph that does not link, exports of
/// the wrong type, a trap while instantiating — each with a clear message, while the host keeps serving the others.
/// </summary>
public sealed class LinkRefusalTests(RuntimeFixture fixture) : IClassFixture<RuntimeFixture>
{
    [Fact]
    public void An_import_beyond_the_world_and_wasi_is_refused_naming_it()
    {
        // Type 1 = an empty instance type; import "acme:evil/thing@1.0.0" of it.
        var bytes = ComponentBytes.WorldSkeleton().ExportWorld().ImportInstance("acme:evil/thing@1.0.0").Build();

        var error = Refuse(bytes);

        Assert.Equal(VtxErrorCode.UnsupportedPluginShape, error.Code);
        Assert.Equal("unknown.wasm: unsupported plugin shape: the component imports 'acme:evil/thing@1.0.0', which world plugin of vtx:api@1.2.6 and WASI 0.2 do not provide.", error.Message);
    }

    [Fact]
    public void A_wasi_interface_of_another_minor_version_is_refused()
    {
        var bytes = ComponentBytes.WorldSkeleton().ExportWorld().ImportInstance("wasi:io/streams@0.3.0").Build();

        Assert.Contains("imports 'wasi:io/streams@0.3.0'", Refuse(bytes).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_function_the_host_interface_lacks_is_refused_naming_it()
    {
        // Type 1 = func(); type 2 = (instance (export "nonsense" (func (type 0)))) where its local type 0 is func().
        var bytes = ComponentBytes.WorldSkeleton().ExportWorld()
            .Section(7, [0x42, 0x02, 0x01, 0x40, 0x00, 0x01, 0x00, 0x04, 0x00, .. ComponentBytes.Name("nonsense"), 0x01, 0x00])
            .Section(10, [0x00, .. ComponentBytes.Name("wasi:cli/environment@0.2.3"), 0x05, 0x01])
            .Build();

        var error = Refuse(bytes);

        Assert.Equal(VtxErrorCode.UnsupportedPluginShape, error.Code);
        Assert.Contains("imports function 'nonsense' of 'wasi:cli/environment@0.2.3', which the host's wasi:cli/environment@0.2.12 does not provide", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_graph_aliasing_a_missing_core_export_is_malformed()
    {
        var bytes = ComponentBytes.WorldSkeleton(coreExport: "f", aliased: "g").ExportWorld().Build();

        var error = Refuse(bytes);

        Assert.Equal(VtxErrorCode.InvalidComponent, error.Code);
        Assert.Equal("unknown.wasm: the component's graph is malformed: core instance 0 has no core func export 'g'.", error.Message);
    }

    [Fact]
    public void A_graph_with_an_index_out_of_range_is_malformed()
    {
        var bytes = ComponentBytes.WorldSkeleton(liftType: 9).ExportWorld().Build();

        var error = Refuse(bytes);

        Assert.Equal(VtxErrorCode.InvalidComponent, error.Code);
        Assert.Contains("type index 9 is out of range (there are 1)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Exports_of_the_wrong_type_are_refused_naming_the_types()
    {
        var error = Refuse(ComponentBytes.WorldSkeleton().ExportWorld().Build());

        Assert.Equal(VtxErrorCode.InvalidModule, error.Code);
        Assert.Contains("exports 'handle' as func(), but world plugin of vtx:api@1.2.6 needs func(req: record { method: string, path: string, query: string }) -> record { status: u16, body: option<buffer> }", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("component")]
    [InlineData("core")]
    public void A_trap_during_instantiation_fails_the_load_and_the_host_keeps_serving(string kind)
    {
        using var folder = new TempFolder();
        var plugins = Directory.CreateDirectory(folder.File("plugins")).FullName;
        File.Copy(kind == "core" ? TestPlugins.Core("trap-init") : TestPlugins.Component("trap-init"), Path.Combine(plugins, "a-trap-init.wasm"));
        File.Copy(TestPlugins.Component("notes"), Path.Combine(plugins, "b-notes.wasm"));
        File.WriteAllBytes(Path.Combine(plugins, "c-unknown.wasm"), ComponentBytes.WorldSkeleton().ExportWorld().ImportInstance("acme:evil/thing@1.0.0").Build());
        using var host = new VtxPluginHost(TestDatabase.Open(folder.File("vtx.db")), new DirectoryFileStore(folder.File("files")), RuntimeFixture.Options);

        var report = host.LoadDirectory(plugins);

        Assert.Equal(["notes"], report.Loaded.Select(p => p.Manifest.Id));
        var trap = report.Failed[0];
        Assert.Equal(VtxErrorCode.Trap, trap.Code);
        Assert.Contains("trapped", trap.Message, StringComparison.Ordinal);
        Assert.Contains("unreachable", trap.Message, StringComparison.Ordinal);
        Assert.Equal(VtxErrorCode.UnsupportedPluginShape, report.Failed[1].Code);
        var served = host.Handle("GET", "/notes/copy", "abc");
        Assert.Equal(200, served.Status);
        served.Body?.Dispose();
    }

    private VtxPluginException Refuse(byte[] bytes) =>
        Assert.Throws<VtxPluginException>(() => fixture.Runtime.Compile(PluginPackage.Decode(bytes, "unknown.wasm")));
}
