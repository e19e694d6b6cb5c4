using Rototo.Sources;
using Rototo.Tests.Layering;

namespace Rototo.Tests.Sources;

/// <summary>
/// <see cref="WorkspaceSourceOptions.MaxUnpackedBytes"/> and <see cref="WorkspaceSourceOptions.MaxArchiveEntries"/>
/// count everything one load writes, all its layers together, not each tree on its own, git checkouts included.
/// </summary>
public sealed class StagingLimitTests : TempWorkspacesTest
{
    /// <summary>child -> mid -> base: base holds <c>variables/message.toml</c>, mid and child only their manifests.</summary>
    private string Chain()
    {
        Workspaces.Workspace("base");
        Workspaces.Variable("base", "message", "base");
        Workspaces.Workspace("mid", "../base");
        return Workspaces.Workspace("child", "../mid");
    }

    private long Size(string relative) => new FileInfo(Workspaces.Path(relative)).Length;

    [Fact]
    public async Task The_byte_limit_covers_every_projection_of_a_load_together()
    {
        var child = Chain();
        // mid's projection copies base's variable and mid's manifest; child's copies that variable again and child's manifest.
        var total = 2 * Size("base/variables/message.toml") + Size("mid/rototo-workspace.toml") + Size("child/rototo-workspace.toml");

        var staged = await WorkspaceSources.StageAsync(child, new WorkspaceSourceOptions { MaxUnpackedBytes = total }, Token);
        staged.Release();
        var error = await Assert.ThrowsAsync<RototoException>(() => WorkspaceSources.StageAsync(child, new WorkspaceSourceOptions { MaxUnpackedBytes = total - 1 }, Token));

        Assert.Equal($"workspace layer is too large: exceeded limit of {total - 1} bytes", error.Message);
    }

    [Fact]
    public async Task The_entry_limit_covers_every_projection_of_a_load_together()
    {
        var child = Chain();

        // Each projection copies three entries (variables/, variables/message.toml, a manifest): six in all.
        var staged = await WorkspaceSources.StageAsync(child, new WorkspaceSourceOptions { MaxArchiveEntries = 6 }, Token);
        staged.Release();
        var error = await Assert.ThrowsAsync<RototoException>(() => WorkspaceSources.StageAsync(child, new WorkspaceSourceOptions { MaxArchiveEntries = 5 }, Token));

        Assert.Equal("workspace layer contains too many entries: exceeded limit of 5", error.Message);
    }

    [Fact]
    public async Task A_git_checkout_with_more_entries_than_the_limit_is_refused_naming_the_source()
    {
        using var repository = new GitRepository();
        repository.WriteMessageWorkspace("hello", folder: "");
        for (var i = 0; i < 10; i++)
        {
            repository.Write($"notes/{i}.txt", "note\n");
        }
        repository.Commit("eleven files");
        var source = repository.Source("main");

        var error = await Assert.ThrowsAsync<RototoException>(() => WorkspaceSources.StageAsync(source, new WorkspaceSourceOptions { MaxArchiveEntries = 10 }, Token));

        Assert.Equal($"workspace git checkout contains too many entries: exceeded limit of 10 ({source})", error.Message);
    }

    [Fact]
    public async Task A_git_checkout_larger_than_the_byte_limit_is_refused_naming_the_source()
    {
        using var repository = new GitRepository();
        repository.WriteMessageWorkspace("hello");
        repository.Write("data/blob.txt", new string('x', 600 * 1024));
        repository.Commit("600 KiB outside the workspace folder");
        var source = repository.Source("main:rototo");

        var error = await Assert.ThrowsAsync<RototoException>(() => Workspace.LoadAsync(source, new WorkspaceLoadOptions { Sources = new() { MaxUnpackedBytes = 512 * 1024 } }, Token));

        Assert.Equal($"workspace git checkout is too large: exceeded limit of 524288 bytes ({source})", error.Message);
    }
}
