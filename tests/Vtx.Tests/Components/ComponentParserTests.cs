using Vtx.Host.Components.Binary;
using Vtx.Tests.Host;

namespace Vtx.Tests.Components;

/// <summary>The component binary parser against real toolchain output and against broken bytes.</summary>
public sealed class ComponentParserTests
{
    [Fact]
    public void Parses_the_wasm_component_ld_build_of_the_notes_plugin()
    {
        var ast = ComponentParser.Parse(File.ReadAllBytes(TestPlugins.Component("notes")));

        // As `jco print` (wasm-tools) shows the same file: 3 core modules (main, shim, fixup), 6 core instances,
        // 4 instance imports and 4 type imports, 5 lifted functions, 6 lowered ones, 1 resource.drop, 5 exports.
        Assert.Equal(3, ast.Definitions.OfType<CoreModuleDefinition>().Count());
        Assert.Equal(6, ast.Definitions.Count(d => d is CoreInstantiateDefinition or CoreInlineInstanceDefinition));
        Assert.Equal(
            ["vtx:api/stream-io@1.2.6", "vtx:api/sql@1.2.6", "vtx:api/auth-types@1.2.6", "vtx:api/types@1.2.6", "http-request", "http-response", "manifest", "user-context"],
            ast.Definitions.OfType<ImportDefinition>().Select(i => i.Name));
        Assert.Equal([ComponentSort.Instance, ComponentSort.Instance, ComponentSort.Instance, ComponentSort.Instance, ComponentSort.Type, ComponentSort.Type, ComponentSort.Type, ComponentSort.Type],
            ast.Definitions.OfType<ImportDefinition>().Select(i => i.Type.Kind));
        Assert.Equal(5, ast.Definitions.OfType<CanonLiftDefinition>().Count());
        Assert.Equal(6, ast.Definitions.OfType<CanonLowerDefinition>().Count());
        Assert.Equal(ResourceBuiltin.Drop, Assert.Single(ast.Definitions.OfType<CanonResourceDefinition>()).Builtin);
        Assert.Equal(ComponentBytes.WorldExports, ast.Definitions.OfType<ExportDefinition>().Select(e => e.Name));
    }

    [Fact]
    public void Reads_canonical_options_and_function_types()
    {
        var ast = ComponentParser.Parse(File.ReadAllBytes(TestPlugins.Component("notes")));

        // (func $get-manifest (type 17) (canon lift (core func $get-manifest) (memory $memory) string-encoding=utf8 (post-return …)))
        var lift = ast.Definitions.OfType<CanonLiftDefinition>().ElementAt(2);
        Assert.Equal(StringEncoding.Utf8, lift.Options.Encoding);
        Assert.Equal(0u, lift.Options.Memory);
        Assert.NotNull(lift.Options.PostReturn);
        Assert.Null(lift.Options.Realloc);
        // type 17 is (func (result $manifest)): no parameters, one result.
        var type = Assert.IsType<FuncForm>(ast.Definitions.OfType<TypeDefinition>().Select(t => t.Type).OfType<FuncForm>().First(f => f.Params.Count == 0 && f.Result is { Primitive: null }));
        Assert.False(type.Async);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0, 7, 5, 1 }, "claims 5 bytes, past the end")]
    [InlineData(new byte[] { 0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0, 42, 0 }, "unknown component section id 42")]
    [InlineData(new byte[] { 0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0, 7, 2, 1, 0x5a }, "unknown type form 0x5a")]
    [InlineData(new byte[] { 0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0, 10, 3, 0x7f, 0, 0 }, "cannot fit in the 2 bytes left")]
    [InlineData(new byte[] { 0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0, 10, 5, 1, 0, 2, 0xc3, 0x28 }, "not valid UTF-8")]
    [InlineData(new byte[] { 0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0, 6, 7, 1, 0x00, 0x00, 0x00, 0x80, 0x80, 0x80 }, "unexpected end")]
    [InlineData(new byte[] { 0, 0x61, 0x73, 0x6d, 0x0e, 0, 1, 0 }, "not a component preamble")]
    public void Broken_bytes_are_refused_with_the_problem_and_offset(byte[] bytes, string problem)
    {
        var error = Assert.Throws<ComponentFormatException>(() => ComponentParser.Parse(bytes));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.Contains("(at byte ", error.Message, StringComparison.Ordinal);
        Assert.False(error.IsUnsupported);
    }

    [Fact]
    public void Async_built_ins_are_refused_as_unsupported()
    {
        // A canon section with one `task.cancel` (0x05).
        var bytes = new ComponentBytes().Section(8, [0x05]).Build();

        var error = Assert.Throws<ComponentFormatException>(() => ComponentParser.Parse(bytes));

        Assert.True(error.IsUnsupported);
        Assert.Contains("canonical built-in 0x05", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nested_components_are_parsed_recursively()
    {
        var inner = new ComponentBytes().Section(7, [0x73]).Build();
        var bytes = new ComponentBytes().Raw(4, inner).Build();

        var nested = Assert.IsType<NestedComponentDefinition>(Assert.Single(ComponentParser.Parse(bytes).Definitions));

        Assert.Equal(PrimKind.String, Assert.IsType<PrimForm>(Assert.IsType<TypeDefinition>(Assert.Single(nested.Component.Definitions)).Type).Kind);
    }
}
