using CloudRuntimes.Testing;
using Vtx.Protocol;

namespace Vtx.Tests.Protocol;

public sealed class WitDefinitionTests
{
    private const string UpstreamFile = "vtx-api-1.2.6-v2.2.1.wit";

    [ReferenceDataFact]
    public void Project_wit_defines_the_same_interfaces_types_and_functions_as_upstream_release_2_2_1()
    {
        var upstream = WitShape.Parse(File.ReadAllText(RepositoryPaths.Shared("specs", "vtx-wit", UpstreamFile)));
        var ours = WitShape.Parse(VtxProtocol.GetWitContent());

        Assert.Equal(upstream.Package, ours.Package);
        Assert.Equal(upstream.Containers.Keys, ours.Containers.Keys);
        foreach (var (container, items) in upstream.Containers)
        {
            Assert.Equal(items, ours.Containers[container]);
        }
    }

    [Fact]
    public void Wit_shape_sees_a_changed_function_signature()
    {
        var original = WitShape.Parse(VtxProtocol.GetWitContent());
        var changed = WitShape.Parse(VtxProtocol.GetWitContent().Replace("size: func() -> u64;", "size: func() -> u32;", StringComparison.Ordinal));

        Assert.NotEqual(original.Containers["interface stream-io"], changed.Containers["interface stream-io"]);
    }

    [Fact]
    public void Wit_declares_package_vtx_api_1_2_6_with_world_plugin_and_its_four_interfaces()
    {
        var shape = WitShape.Parse(VtxProtocol.GetWitContent());

        Assert.Equal("packagevtx:api@1.2.6", shape.Package);
        Assert.Equal(["interface auth-types", "interface sql", "interface stream-io", "interface types", "world plugin"], shape.Containers.Keys);
        Assert.Equal(VtxProtocol.WitPackage, "vtx:api@1.2.6");
    }

    [Fact]
    public void Wit_file_beside_the_assembly_matches_the_embedded_resource()
    {
        Assert.Equal(VtxProtocol.GetWitContent(), File.ReadAllText(VtxProtocol.GetWitPath()));
    }

    [Fact]
    public void Package_version_tracks_the_protocol_release()
    {
        var version = typeof(VtxProtocol).Assembly.GetName().Version!;

        Assert.Equal(new Version(2, 2, 1, 0), version);
    }
}
