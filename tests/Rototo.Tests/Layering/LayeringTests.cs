using Rototo.Layering;
using Rototo.Sources;
using Rototo.Tests.Sources;

namespace Rototo.Tests.Layering;

/// <summary><c>extends</c> layering (rototo.md §13, rototo-acceptance.md K-01..K-05) on inline workspaces.</summary>
public sealed class LayeringTests : IDisposable
{
    private readonly TempWorkspaces _workspaces = new();

    public void Dispose() => _workspaces.Dispose();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string Resolve(Workspace workspace, string id) => workspace.ResolveVariable(id, ResolveContext.Empty).GetValue<string>()!;

    [Fact]
    public async Task Child_replaces_parent_files_whole_and_keeps_the_rest()
    {
        _workspaces.Workspace("base");
        _workspaces.Variable("base", "message", "base");
        _workspaces.Variable("base", "base-only", "base-only");
        var child = _workspaces.Workspace("child", "../base");
        _workspaces.Variable("child", "message", "child");
        _workspaces.Variable("child", "child-only", "child-only");

        var workspace = await Workspace.LoadAsync(child, cancellationToken: Token);

        Assert.Equal(2, workspace.Source.Layers.Count);
        Assert.Equal("child", Resolve(workspace, "message"));
        Assert.Equal("base-only", Resolve(workspace, "base-only"));
        Assert.Equal("child-only", Resolve(workspace, "child-only"));
        Assert.Null(workspace.Source.Fingerprint);
    }

    [Fact]
    public async Task Lint_of_a_child_includes_the_projected_parent_files()
    {
        _workspaces.Workspace("base");
        _workspaces.Variable("base", "message", "hello");
        _workspaces.Workspace("child", "../base");

        var result = await CliProcess.RunAsync(_workspaces.Root, "lint", "child", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\"path\": \"variables/message.toml\"", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chains_apply_grandparents_first_and_resolve_relative_to_each_declaring_workspace()
    {
        _workspaces.Workspace("org/root");
        _workspaces.Variable("org/root", "message", "root");
        _workspaces.Variable("org/root", "level", "root");
        _workspaces.Workspace("org/team", "../root");
        _workspaces.Variable("org/team", "level", "team");
        var service = _workspaces.Workspace("services/api", "../../org/team");

        var workspace = await Workspace.LoadAsync(service, cancellationToken: Token);

        Assert.Equal("root", Resolve(workspace, "message"));
        Assert.Equal("team", Resolve(workspace, "level"));
        Assert.Equal([_workspaces.Path("org/team/../root"), _workspaces.Path("services/api/../../org/team"), service], workspace.Source.Layers.Select(l => l.Source));
    }

    [Fact]
    public async Task Later_parents_replace_earlier_ones_and_a_file_can_replace_a_directory()
    {
        _workspaces.Workspace("a");
        _workspaces.Variable("a", "message", "from a");
        _workspaces.Write("a/notes/readme.txt", "a directory in a");
        _workspaces.Workspace("b");
        _workspaces.Variable("b", "message", "from b");
        _workspaces.Write("b/notes", "a file in b");
        var child = _workspaces.Workspace("child", "../a", "../b");

        var staged = await WorkspaceSources.StageAsync(child, cancellationToken: Token);
        try
        {
            Assert.Equal("a file in b", File.ReadAllText(Path.Combine(staged.Root, "notes")));
            var workspace = await Workspace.LoadAsync(child, cancellationToken: Token);
            Assert.Equal("from b", Resolve(workspace, "message"));
        }
        finally
        {
            staged.Release();
        }
    }

    [Fact]
    public async Task Parent_root_manifest_is_left_out_but_nested_manifests_are_copied()
    {
        _workspaces.Write("base/rototo-workspace.toml", "schema_version = 1\n# base manifest\n");
        _workspaces.Write("base/resources/config-objects/rototo-workspace.toml", "nested = true\n");
        var child = _workspaces.Workspace("child", "../base");

        var staged = await WorkspaceSources.StageAsync(child, cancellationToken: Token);
        try
        {
            Assert.Equal("schema_version = 1\nextends = [\"../base\"]\n", File.ReadAllText(Path.Combine(staged.Root, "rototo-workspace.toml")));
            Assert.Equal("nested = true\n", File.ReadAllText(Path.Combine(staged.Root, "resources/config-objects/rototo-workspace.toml")));
        }
        finally
        {
            staged.Release();
        }
    }

    [Fact]
    public async Task Cycle_is_reported_with_the_chain_of_canonical_paths()
    {
        var a = _workspaces.Workspace("a", "../b");
        var b = _workspaces.Workspace("b", "../a");

        var error = await Assert.ThrowsAsync<RototoException>(() => Workspace.LoadAsync(a, cancellationToken: Token));

        Assert.Equal($"workspace extends cycle detected: {a} -> {b} -> {a}", error.Message);
    }

    [Fact]
    public async Task Self_extension_is_a_cycle()
    {
        var a = _workspaces.Workspace("a", ".");

        var error = await Assert.ThrowsAsync<RototoException>(() => Workspace.LoadAsync(a, cancellationToken: Token));

        Assert.Equal($"workspace extends cycle detected: {a} -> {a}", error.Message);
    }

    [Fact]
    public async Task Chain_deeper_than_32_is_refused()
    {
        _workspaces.Workspace("w0");
        for (var i = 1; i <= 33; i++)
        {
            _workspaces.Workspace($"w{i}", $"../w{i - 1}");
        }

        var ok = await WorkspaceSources.StageAsync(_workspaces.Path("w31"), cancellationToken: Token);
        var error = await Assert.ThrowsAsync<RototoException>(() => WorkspaceSources.StageAsync(_workspaces.Path("w32"), cancellationToken: Token));

        Assert.Equal(32, ok.Layers.Count);
        ok.Release();
        Assert.Equal("workspace extends depth exceeded 32", error.Message);
    }

    [Fact]
    public async Task Blank_extends_entry_is_refused_before_staging_parents()
    {
        var child = _workspaces.Workspace("child", "../base", "  ");

        var error = await Assert.ThrowsAsync<RototoException>(() => Workspace.LoadAsync(child, cancellationToken: Token));

        Assert.Equal("workspace extends source must not be blank", error.Message);
    }

    [Fact]
    public async Task Missing_parent_reports_the_canonicalize_failure()
    {
        var child = _workspaces.Workspace("child", "../absent");

        var error = await Assert.ThrowsAsync<RototoException>(() => Workspace.LoadAsync(child, cancellationToken: Token));

        Assert.StartsWith($"failed to canonicalize workspace source {_workspaces.Path("child/../absent")}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unparsable_manifest_names_the_file()
    {
        var child = _workspaces.Path("child");
        _workspaces.Write("child/rototo-workspace.toml", "extends = [\n");

        var error = await Assert.ThrowsAsync<RototoException>(() => WorkspaceSources.StageAsync(child, cancellationToken: Token));

        Assert.StartsWith($"failed to parse workspace manifest {Path.Combine(child, "rototo-workspace.toml")}: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/tmp/outside", "relative workspace extends source escapes a staged workspace: /tmp/outside")]
    [InlineData("../outside", "relative workspace extends source escapes a staged workspace: ../outside")]
    [InlineData("file:///tmp/outside", "workspace extends source escapes a staged workspace: file:///tmp/outside")]
    [InlineData("git+file:///tmp/outside.git", "workspace extends source escapes a staged workspace: git+file:///tmp/outside.git")]
    public void Staged_remote_workspace_cannot_extend_local_paths(string parent, string expected)
    {
        var error = Assert.Throws<RototoException>(() => WorkspaceLayering.ResolveParent(parent, "/tmp/staged", baseIsTemporary: true));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Staged_remote_workspace_may_extend_a_folder_inside_it_and_remote_sources()
    {
        Assert.Equal(("/tmp/staged/parent", true), WorkspaceLayering.ResolveParent("parent", "/tmp/staged", baseIsTemporary: true));
        Assert.Equal(("git+https://example.com/base.git#main", false), WorkspaceLayering.ResolveParent("git+https://example.com/base.git#main", "/tmp/staged", baseIsTemporary: true));
    }

    [Fact]
    public async Task Git_workspace_cannot_extend_a_local_git_repository()
    {
        using var baseRepository = new GitRepository();
        baseRepository.WriteMessageWorkspace("from base git", folder: "");
        baseRepository.Commit("base");
        using var childRepository = new GitRepository();
        childRepository.Write("rototo-workspace.toml", $"schema_version = 1\nextends = [\"{baseRepository.Source("main")}\"]\n");
        childRepository.Commit("child");

        var error = await Assert.ThrowsAsync<RototoException>(() => Workspace.LoadAsync(childRepository.Source("main"), cancellationToken: Token));

        Assert.Equal($"workspace extends source escapes a staged workspace: {baseRepository.Source("main")}", error.Message);
    }

    [Fact]
    public async Task Git_workspace_may_extend_a_folder_inside_its_checkout_which_may_not_climb_out()
    {
        using var repository = new GitRepository();
        repository.Write("config/rototo-workspace.toml", "schema_version = 1\nextends = [\"shared\"]\n");
        repository.Write("config/shared/rototo-workspace.toml", "schema_version = 1\n");
        repository.Write("config/shared/variables/message.toml", GitRepository.MessageVariable("from shared folder"));
        var commit = repository.Commit("child");

        var workspace = await Workspace.LoadAsync(repository.Source("main:config"), cancellationToken: Token);

        Assert.Equal("from shared folder", Resolve(workspace, "message"));
        Assert.Equal(2, workspace.Source.Layers.Count);
        Assert.Equal(SourceFingerprint.GitCommit(commit), workspace.Source.Layers[1].Fingerprint);
        Assert.Null(workspace.Source.Fingerprint); // the inner folder is a local layer without a fingerprint

        repository.Write("config/shared/rototo-workspace.toml", "schema_version = 1\nextends = [\"../..\"]\n");
        repository.Commit("shared climbs out");
        var error = await Assert.ThrowsAsync<RototoException>(() => Workspace.LoadAsync(repository.Source("main:config"), cancellationToken: Token));
        Assert.Equal("relative workspace extends source escapes a staged workspace: ../..", error.Message);
    }

    [Fact]
    public async Task Remote_layers_combine_their_fingerprints_parents_first()
    {
        await using var server = await HttpsArchiveServer.StartAsync();
        server.ServeBytes("/base.tar.gz", new ArchiveBuilder().MessageWorkspace("from base").File("variables/base-only.toml", GitRepository.MessageVariable("base-only")).TarGz(), etag: "\"base-1\"");
        server.ServeBytes("/child.tar.gz", new ArchiveBuilder()
            .File("rototo-workspace.toml", $"schema_version = 1\nextends = [\"{server.Url("/base.tar.gz")}\"]\n")
            .File("variables/message.toml", GitRepository.MessageVariable("from child")).TarGz(), etag: "\"child-1\"");

        var workspace = await Workspace.LoadAsync(server.Url("/child.tar.gz"), new WorkspaceLoadOptions { Sources = server.SourceOptions() }, Token);

        Assert.Equal("from child", Resolve(workspace, "message"));
        Assert.Equal("base-only", Resolve(workspace, "base-only"));
        var expected = SourceFingerprint.WorkspaceLayers([SourceFingerprint.HttpValidator("etag:\"base-1\""), SourceFingerprint.HttpValidator("etag:\"child-1\"")]);
        Assert.Equal(expected, workspace.Source.Fingerprint);
        Assert.Equal([server.Url("/base.tar.gz"), server.Url("/child.tar.gz")], workspace.Source.Layers.Select(l => l.Source));
    }
}
