using Rototo.Sources;

namespace Rototo.Tests.Sources;

/// <summary>git+file:// sources on real repositories built with the git command (rototo.md §12.2, rototo-acceptance.md J-06).</summary>
public sealed class GitSourceTests : IDisposable
{
    private readonly GitRepository _repository = new();

    public void Dispose() => _repository.Dispose();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Branch_and_subdirectory_load_the_workspace_at_that_commit()
    {
        _repository.WriteMessageWorkspace("hello");
        var commit = _repository.Commit("hello");

        var workspace = await Workspace.LoadAsync(_repository.Source("main:rototo"), cancellationToken: Token);

        Assert.Equal("message", workspace.Inspection.Variables[0].Id);
        Assert.Equal("hello", workspace.ResolveVariable("message", ResolveContext.Empty).GetValue<string>());
        Assert.Equal(SourceFingerprint.GitCommit(commit), workspace.Source.Fingerprint);
        Assert.False(workspace.Source.Immutable);
        Assert.StartsWith(Path.GetTempPath(), workspace.Root, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bare_repository_serves_as_a_remote_and_tags_select_older_commits()
    {
        _repository.WriteMessageWorkspace("one", folder: "");
        _repository.Commit("one");
        _repository.Git("tag", "v1");
        _repository.WriteMessageWorkspace("two", folder: "");
        _repository.Commit("two");
        var bare = _repository.CloneBare();

        var tagged = await Workspace.LoadAsync($"git+file://{bare}#v1", cancellationToken: Token);
        var head = await Workspace.LoadAsync($"git+file://{bare}", cancellationToken: Token);

        Assert.Equal("one", tagged.ResolveVariable("message", ResolveContext.Empty).GetValue<string>());
        Assert.Equal("two", head.ResolveVariable("message", ResolveContext.Empty).GetValue<string>());
    }

    [Fact]
    public async Task A_full_commit_id_is_checked_out_and_immutable()
    {
        _repository.WriteMessageWorkspace("first");
        var first = _repository.Commit("first");
        _repository.WriteMessageWorkspace("second");
        _repository.Commit("second");

        var workspace = await Workspace.LoadAsync(_repository.Source($"{first}:rototo"), cancellationToken: Token);

        Assert.Equal("first", workspace.ResolveVariable("message", ResolveContext.Empty).GetValue<string>());
        Assert.True(workspace.Source.Immutable);
        Assert.Equal(SourceFingerprint.GitCommit(first), workspace.Source.Fingerprint);
    }

    [Fact]
    public async Task Unknown_branch_fails_with_gits_own_error()
    {
        _repository.WriteMessageWorkspace("hello");
        _repository.Commit("hello");

        var error = await Assert.ThrowsAsync<RototoException>(() => WorkspaceSources.StageAsync(_repository.Source("missing:rototo"), cancellationToken: Token));

        Assert.StartsWith("git fetch failed for workspace source: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_repository_fails_to_fetch()
    {
        var error = await Assert.ThrowsAsync<RototoException>(() => WorkspaceSources.StageAsync($"git+file://{_repository.Path}-absent#main", cancellationToken: Token));

        Assert.StartsWith("git fetch failed for workspace source: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("main:absent", "workspace source subdir `absent` was not found in `{source}`")]
    [InlineData("main:../outside", "workspace source subdir is unsafe: ../outside")]
    [InlineData("main:/etc", "workspace source subdir is unsafe: /etc")]
    [InlineData("main:rototo/rototo-workspace.toml", "workspace source subdir `rototo/rototo-workspace.toml` is not a directory")]
    [InlineData("main:escape", "workspace source subdir `escape` escapes staged workspace")]
    public async Task Subdirectory_must_be_safe_present_and_inside(string fragment, string expected)
    {
        _repository.WriteMessageWorkspace("hello");
        Directory.CreateDirectory(_repository.Path + ".outside");
        File.CreateSymbolicLink(Path.Combine(_repository.Path, "escape"), _repository.Path + ".outside");
        _repository.Commit("hello");
        var source = _repository.Source(fragment);

        var error = await Assert.ThrowsAsync<RototoException>(() => WorkspaceSources.StageAsync(source, cancellationToken: Token));

        Assert.Equal(expected.Replace("{source}", source, StringComparison.Ordinal), error.Message);
    }

    [Fact]
    public async Task Git_variables_of_the_caller_do_not_redirect_the_clone()
    {
        _repository.WriteMessageWorkspace("hello");
        _repository.Commit("hello");
        Environment.SetEnvironmentVariable("GIT_DIR", "/nonexistent/redirected.git");
        try
        {
            var workspace = await Workspace.LoadAsync(_repository.Source("main:rototo"), cancellationToken: Token);
            Assert.Equal("hello", workspace.ResolveVariable("message", ResolveContext.Empty).GetValue<string>());
        }
        finally
        {
            Environment.SetEnvironmentVariable("GIT_DIR", null);
        }
    }

    [Fact]
    public async Task Git_timeout_is_reported_with_the_source()
    {
        _repository.WriteMessageWorkspace("hello");
        _repository.Commit("hello");
        var source = _repository.Source("main:rototo");

        var error = await Assert.ThrowsAsync<RototoException>(() => WorkspaceSources.StageAsync(source, new WorkspaceSourceOptions { GitTimeout = TimeSpan.FromMilliseconds(1) }, Token));

        Assert.Equal($"git fetch timed out for workspace source: {source}", error.Message);
    }

    [Fact]
    public async Task Unknown_full_commit_fails_at_checkout()
    {
        _repository.WriteMessageWorkspace("hello");
        _repository.Commit("hello");

        var error = await Assert.ThrowsAsync<RototoException>(() => WorkspaceSources.StageAsync(_repository.Source("0123456789abcdef0123456789abcdef01234567:rototo"), cancellationToken: Token));

        Assert.StartsWith("git checkout failed for workspace source: ", error.Message, StringComparison.Ordinal);
    }
}
