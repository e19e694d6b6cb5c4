namespace Vtx.Tests.Host;

/// <summary>The committed test plugins (tests/Vtx.Tests/plugins/built) are exactly what build.sh makes from the C sources.</summary>
public sealed class CommittedPluginsTests
{
    [Fact]
    public void Committed_plugins_match_a_fresh_build_of_their_sources()
    {
        var (fresh, problem) = TestPlugins.FreshBuild;
        Assert.SkipWhen(fresh is null, $"The test plugins could not be built here ({problem}); install the Debian packages clang and lld to check the committed copies.");

        var built = Directory.GetFiles(fresh!, "*.wasm").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var committed = Directory.GetFiles(TestPlugins.CommittedFolder, "*.wasm").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();

        // A plugin whose optional toolchain part is missing here (wasi-libc, wasm-component-ld) is not built; every
        // plugin that is built must be committed and identical.
        Assert.NotEmpty(built);
        Assert.Subset(committed.ToHashSet(), built.ToHashSet());
        foreach (var name in built)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(fresh!, name!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(TestPlugins.CommittedFolder, name!))),
                $"{name} differs from a fresh build: run tests/Vtx.Tests/plugins/build.sh built and commit the result");
        }
    }
}
