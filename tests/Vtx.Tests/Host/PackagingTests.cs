using System.Text;
using Vtx.Host;
using Vtx.Host.Packaging;
using Vtx.Protocol;

namespace Vtx.Tests.Host;

/// <summary>Core modules, components and .vtx v1/v2 containers of the same plugin behave the same.</summary>
public sealed class PackagingTests(RuntimeFixture fixture) : IClassFixture<RuntimeFixture>
{
    public static TheoryData<string> Plugins => ["notes", "gate", "evil", "wasi-hello"];

    [Theory]
    [MemberData(nameof(Plugins))]
    public void Every_packaging_of_a_plugin_gives_identical_results(string name)
    {
        var component = File.ReadAllBytes(TestPlugins.Component(name));
        var packages = new[]
        {
            PluginPackage.Load(TestPlugins.Core(name)),
            PluginPackage.Decode(component, name + ".component.wasm"),
            PluginPackage.Decode(VtxV1(component), name + ".v1.vtx"),
            PluginPackage.Decode(VtxV2(component, """{"version":"1.0.0","language":"c"}"""), name + ".v2.vtx"),
        };

        Assert.Equal(
            [PluginPackageFormat.CoreModule, PluginPackageFormat.Component, PluginPackageFormat.VtxV1, PluginPackageFormat.VtxV2],
            packages.Select(p => p.Format));
        var observed = packages.Select(Observe).ToList();
        Assert.All(observed, o => Assert.Equal(observed[0], o));
    }

    [Fact]
    public void Vtx_v2_metadata_is_kept()
    {
        var package = PluginPackage.Decode(VtxV2(File.ReadAllBytes(TestPlugins.Component("notes")), """{"author":"ann","version":"2.0.0"}"""), "notes.vtx");

        Assert.Equal("ann", package.Metadata!.Value.GetProperty("author").GetString());
    }

    [Fact]
    public void Component_without_a_main_module_is_an_unsupported_shape()
    {
        // A component holding one empty core module: preamble, then section 1 (core module) of 8 bytes.
        byte[] bytes = [0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0, 1, 8, 0, 0x61, 0x73, 0x6d, 1, 0, 0, 0];

        var error = Assert.Throws<VtxPluginException>(() => PluginPackage.Decode(bytes, "empty.wasm"));

        Assert.Equal(VtxErrorCode.UnsupportedPluginShape, error.Code);
        Assert.Contains("unsupported plugin shape", error.Message, StringComparison.Ordinal);
        Assert.Contains("found 1 core module(s) (no exports), 0 nested component(s)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Module_with_a_foreign_import_is_an_unsupported_shape()
    {
        var wasm = Wasmtime.Module.ConvertText("""(module (import "env" "now" (func)) (memory (export "memory") 1))""");

        var error = Assert.Throws<VtxPluginException>(() => fixture.Runtime.Compile(PluginPackage.Decode(wasm, "foreign.wasm")));

        Assert.Equal(VtxErrorCode.UnsupportedPluginShape, error.Code);
        Assert.Contains("'env' 'now'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Module_missing_world_exports_is_refused_naming_them()
    {
        var wasm = Wasmtime.Module.ConvertText("""(module (memory (export "memory") 1))""");

        var error = Assert.Throws<VtxPluginException>(() => fixture.Runtime.Compile(PluginPackage.Decode(wasm, "bare.wasm")));

        Assert.Equal(VtxErrorCode.InvalidModule, error.Code);
        Assert.Contains("cabi_realloc, handle, get-manifest, get-migrations, get-resources, authenticate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_with_the_wrong_core_signature_is_refused_naming_it()
    {
        var wasm = Wasmtime.Module.ConvertText("""
            (module
              (memory (export "memory") 1)
              (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) i32.const 0)
              (func (export "handle") (param i32 i32) (result i32) i32.const 0)
              (func (export "get-manifest") (result i32) i32.const 0)
              (func (export "get-migrations") (result i32) i32.const 0)
              (func (export "get-resources") (result i32) i32.const 0)
              (func (export "authenticate") (param i32 i32) (result i32) i32.const 0))
            """);

        var error = Assert.Throws<VtxPluginException>(() => fixture.Runtime.Compile(PluginPackage.Decode(wasm, "wrong.wasm")));

        Assert.Equal(VtxErrorCode.InvalidModule, error.Code);
        Assert.Equal("wrong.wasm: export 'handle' must be a function (i32 i32 i32 i32 i32 i32) -> i32 (canonical ABI of world plugin), found (i32 i32) -> (i32).", error.Message);
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 }, "not a WebAssembly binary")]
    [InlineData(new byte[] { 0x56, 0x54, 0x58, 9, 0 }, "unknown .vtx container version 9")]
    [InlineData(new byte[] { 0x56, 0x54, 0x58, 2, 0xff, 0, 0, 0 }, "metadata length 255 runs past the end")]
    [InlineData(new byte[] { 0x56, 0x54, 0x58, 2, 2, 0, 0, 0, 0x5b, 0x5d }, "must be a JSON object")]
    public void Malformed_files_are_refused_with_the_problem(byte[] bytes, string problem)
    {
        var error = Assert.Throws<VtxPluginException>(() => PluginPackage.Decode(bytes, "bad.vtx"));

        Assert.Equal(VtxErrorCode.InvalidPackage, error.Code);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("bad.vtx: ", error.Message, StringComparison.Ordinal);
    }

    internal static byte[] VtxV1(byte[] component) => [0x56, 0x54, 0x58, 1, .. component];

    internal static byte[] VtxV2(byte[] component, string metadata)
    {
        var json = Encoding.UTF8.GetBytes(metadata);
        return [0x56, 0x54, 0x58, 2, .. BitConverter.GetBytes((uint)json.Length), .. json, .. component];
    }

    private string Observe(PluginPackage package)
    {
        using var instance = fixture.Runtime.Compile(package).CreateInstance("p", fixture.Database.Sql(), fixture.StreamIo, TimeSpan.FromSeconds(1));
        var lines = new List<string>
        {
            instance.GetManifest().ToString(),
            string.Join('|', instance.GetMigrations()),
            string.Join('|', instance.GetResources()),
            Outcome(() => instance.Authenticate([new("authorization", "Bearer alice")]).ToString()),
        };
        foreach (var path in new[] { "/copy", "/whoami", "/ok", "/missing" })
        {
            using var call = fixture.Runtime.Compile(package).CreateInstance("p", fixture.Database.Sql(), fixture.StreamIo, TimeSpan.FromSeconds(1));
            lines.Add(path + " " + Outcome(() =>
            {
                var response = call.Handle(new HttpRequest("GET", path, "xyz"));
                return $"{response.Status} {RuntimeFixture.BodyText(response)}";
            }));
        }

        return string.Join('\n', lines);
    }

    private static string Outcome(Func<string> call)
    {
        try
        {
            return call();
        }
        catch (VtxPluginException ex)
        {
            return "failed: " + ex.Code;
        }
    }
}
