using Rototo.Refresh;
using Rototo.Sources;
using Rototo.Tests.Sources;

namespace Rototo.Tests.Layering;

/// <summary>
/// A parent reached by several <c>extends</c> paths (rototo.md §13): staged once per load, yet listed and copied once
/// per path as §13 steps 3 and 5 say, with the depth of every path and the layer bound still enforced.
/// </summary>
public sealed class ExtendsDiamondTests : TempWorkspacesTest
{
    /// <summary>L00..L{depth}: each names the next twice; the last holds <c>message</c> = "base". Returns L00.</summary>
    private string Diamond(int depth)
    {
        Workspaces.Workspace(Name(depth));
        Workspaces.Variable(Name(depth), "message", "base");
        for (var i = depth - 1; i >= 0; i--)
        {
            Workspaces.Workspace(Name(i), $"../{Name(i + 1)}", $"../{Name(i + 1)}");
        }
        return Workspaces.Path(Name(0));
    }

    private static string Name(int level) => $"L{level:00}";

    [Fact(Timeout = 60_000)]
    public async Task A_diamond_32_levels_deep_is_refused_at_the_layer_bound_without_walking_every_path()
    {
        var top = Diamond(31);

        // Every path to L31 was once staged on its own: 2^31 of them.
        var cancellationToken = TestContext.Current.CancellationToken;
        var error = await Task.Run(() => Assert.ThrowsAsync<RototoException>(() => WorkspaceSources.StageAsync(top, cancellationToken: cancellationToken)), cancellationToken);

        Assert.Equal("workspace extends layers exceeded 256", error.Message);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_diamond_within_the_bound_lists_each_parent_once_per_path()
    {
        var top = Diamond(7);

        var cancellationToken = TestContext.Current.CancellationToken;
        var workspace = await Task.Run(() => Workspace.LoadAsync(top, cancellationToken: cancellationToken), cancellationToken);

        // §13 step 5: the parents' layers in order, then the workspace's own; L0i is named from L0(i-1) as "../L0i".
        string Parent(int level) => Path.Combine(Workspaces.Path(Name(level)), $"../{Name(level + 1)}");
        List<string> Layers(int level, string source) =>
            level == 7 ? [source] : [.. Layers(level + 1, Parent(level)), .. Layers(level + 1, Parent(level)), source];
        Assert.Equal(Layers(0, top), workspace.Source.Layers.Select(l => l.Source));
        Assert.Equal(255, workspace.Source.Layers.Count);
        Assert.Equal("base", workspace.ResolveVariable("message", ResolveContext.Empty).GetValue<string>());
    }

    [Fact]
    public async Task A_parent_named_again_is_copied_again_in_its_place()
    {
        Workspaces.Workspace("a");
        Workspaces.Variable("a", "message", "from a");
        Workspaces.Workspace("b");
        Workspaces.Variable("b", "message", "from b");
        var again = Workspaces.Workspace("again", "../a", "../b", "../a");
        var once = Workspaces.Workspace("once", "../a", "../b");

        var againWorkspace = await Workspace.LoadAsync(again, cancellationToken: Token);
        var onceWorkspace = await Workspace.LoadAsync(once, cancellationToken: Token);

        Assert.Equal("from a", againWorkspace.ResolveVariable("message", ResolveContext.Empty).GetValue<string>());
        Assert.Equal("from b", onceWorkspace.ResolveVariable("message", ResolveContext.Empty).GetValue<string>());
        Assert.Equal([Workspaces.Path("again/../a"), Workspaces.Path("again/../b"), Workspaces.Path("again/../a"), again], againWorkspace.Source.Layers.Select(l => l.Source));
    }

    [Theory]
    [InlineData(10, null)]
    [InlineData(11, "workspace extends depth exceeded 32")]
    public async Task A_parent_loaded_before_still_counts_its_depth_where_it_is_named_again(int links, string? expected)
    {
        // top extends [x00, a01]; x00 -> x01 -> ... -> x20; a01 -> ... -> a{links} -> x00. The longest chain is
        // top, a01..a{links}, x00..x20: x20 is loaded with 1 + links + 20 workspaces on the stack (§13 step 4).
        Workspaces.Workspace("x20");
        for (var i = 19; i >= 0; i--)
        {
            Workspaces.Workspace($"x{i:00}", $"../x{i + 1:00}");
        }
        Workspaces.Workspace($"a{links:00}", "../x00");
        for (var i = links - 1; i >= 1; i--)
        {
            Workspaces.Workspace($"a{i:00}", $"../a{i + 1:00}");
        }
        var top = Workspaces.Workspace("top", "../x00", "../a01");

        if (expected is null)
        {
            var staged = await WorkspaceSources.StageAsync(top, cancellationToken: Token);
            Assert.Equal(21 + links + 21 + 1, staged.Layers.Count);
            staged.Release();
        }
        else
        {
            var error = await Assert.ThrowsAsync<RototoException>(() => WorkspaceSources.StageAsync(top, cancellationToken: Token));
            Assert.Equal(expected, error.Message);
        }
    }

    [Fact]
    public async Task A_remote_parent_of_a_diamond_is_fetched_once_and_checked_once()
    {
        await using var server = await HttpsArchiveServer.StartAsync();
        string Extends(params string[] parents) => $"schema_version = 1\nextends = [{string.Join(", ", parents.Select(p => $"\"{server.Url(p)}\""))}]\n";
        server.ServeBytes("/d.tar.gz", new ArchiveBuilder().MessageWorkspace("from d").TarGz(), etag: "\"d\"");
        server.ServeBytes("/b.tar.gz", new ArchiveBuilder().File("rototo-workspace.toml", Extends("/d.tar.gz")).TarGz(), etag: "\"b\"");
        server.ServeBytes("/c.tar.gz", new ArchiveBuilder().File("rototo-workspace.toml", Extends("/d.tar.gz", "/d.tar.gz")).TarGz(), etag: "\"c\"");
        server.ServeBytes("/a.tar.gz", new ArchiveBuilder().File("rototo-workspace.toml", Extends("/b.tar.gz", "/c.tar.gz")).TarGz(), etag: "\"a\"");
        var options = new WorkspaceLoadOptions { Sources = server.SourceOptions() };

        await using var workspace = await RefreshingWorkspace.LoadAsync(server.Url("/a.tar.gz"), loadOptions: options, cancellationToken: Token);
        var outcome = await workspace.RefreshNowAsync(Token);

        Assert.Equal(RefreshOutcome.Unchanged, outcome);
        Assert.Equal(["GET /d.tar.gz", "HEAD /d.tar.gz"], server.Requests.Where(r => r.Contains("/d.tar.gz", StringComparison.Ordinal)));
        // b's layers [d, b], c's [d, d, c], then a.
        string[] order = ["d", "b", "d", "d", "c", "a"];
        Assert.Equal(order.Select(n => server.Url($"/{n}.tar.gz")), workspace.Current.Source.Layers.Select(l => l.Source));
        Assert.Equal(SourceFingerprint.WorkspaceLayers(order.Select(n => SourceFingerprint.HttpValidator($"etag:\"{n}\""))), workspace.Current.Source.Fingerprint);
        Assert.Equal("from d", workspace.Current.ResolveVariable("message", ResolveContext.Empty).GetValue<string>());
    }
}
