using Rototo.Sources;

namespace Rototo.Tests.Sources;

/// <summary>Source forms rototo refuses before fetching anything, with its exact messages (rototo.md §12.1, rototo-acceptance.md J-01..J-04).</summary>
public sealed class SourceRejectionTests
{
    [Theory]
    [InlineData("http://example.com/workspace.tar.gz", "http:// workspace sources are not supported; use https://")]
    [InlineData("http://127.0.0.1/workspace.tar.gz", "http:// workspace sources are not supported; use https://")]
    [InlineData("git+http://example.com/workspace.git", "git workspace source scheme is not supported: git+http")]
    [InlineData("git+file://example.com/workspace.git#--upload-pack=/tmp/evil", "git workspace ref must not begin with '-': --upload-pack=/tmp/evil")]
    [InlineData("git+https://example.com/repo.git#-main:config", "git workspace ref must not begin with '-': -main")]
    [InlineData("file:///srv/workspace#main", "file:// workspace sources do not support fragments")]
    [InlineData("file:///srv/workspace#:sub", "file:// workspace sources do not support fragments")]
    [InlineData("https://example.com/workspace.tar.gz#main", "https workspace sources only support #:subdir fragments")]
    [InlineData("https://example.com/workspace.zip#v1:config", "https workspace sources only support #:subdir fragments")]
    [InlineData("ftp://example.com/workspace.tar.gz", "workspace source scheme is not supported: ftp")]
    [InlineData("git+ftp://example.com/repo.git", "git workspace source scheme is not supported: git+ftp")]
    [InlineData("://example.com/workspace.tar.gz", "workspace source URI is invalid: ://example.com/workspace.tar.gz")]
    [InlineData("https://", "workspace source URI is invalid: https://")]
    [InlineData("https://#main", "workspace source URI is invalid: https://#main")]
    public async Task Rejected_source_form_fails_with_rototos_message(string source, string expected)
    {
        var error = await Assert.ThrowsAsync<RototoException>(() => WorkspaceSources.StageAsync(source, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(expected, error.Message);
        Assert.Equal(RototoErrorCode.Source, error.Code);
    }

    [Fact]
    public async Task Workspace_load_reports_the_same_rejection()
    {
        var error = await Assert.ThrowsAsync<RototoException>(() => Workspace.LoadAsync("http://example.com/workspace.tar.gz", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("http:// workspace sources are not supported; use https://", error.Message);
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef01234567", true)]
    [InlineData("0123456789ABCDEF0123456789ABCDEF01234567", true)]
    [InlineData("main", false)]
    [InlineData("0123456789abcdef0123456789abcdef0123456g", false)]
    [InlineData("0123456789abcdef0123456789abcdef0123456", false)]
    public void Only_a_full_40_hex_commit_is_pinned(string reference, bool pinned)
    {
        var source = WorkspaceSource.Parse($"git+https://example.com/repo.git#{reference}:config");

        Assert.Equal(pinned, source.IsPinnedCommit);
        Assert.Equal(reference, source.Ref);
        Assert.Equal("config", source.Subdirectory);
        Assert.Equal("https://example.com/repo.git", source.Location);
    }

    [Fact]
    public void A_string_without_a_scheme_is_a_local_path()
    {
        var source = WorkspaceSource.Parse("examples/basic");

        Assert.Equal(WorkspaceSourceKind.LocalPath, source.Kind);
        Assert.Equal("examples/basic", source.Location);
    }

    [Theory]
    [InlineData("git+ssh://git@example.com/team/config.git#main:storefront", "ssh://git@example.com/team/config.git", "main", "storefront")]
    [InlineData("git+https://example.com/config.git", "https://example.com/config.git", null, null)]
    [InlineData("GIT+FILE:///srv/config.git#v1", "file:///srv/config.git", "v1", null)]
    [InlineData("git+file:///srv/config.git#:sub/dir", "file:///srv/config.git", null, "sub/dir")]
    public void Git_source_splits_into_clone_url_ref_and_subdirectory(string text, string location, string? reference, string? subdirectory)
    {
        var source = WorkspaceSource.Parse(text);

        Assert.Equal(WorkspaceSourceKind.Git, source.Kind);
        Assert.Equal((location, reference, subdirectory), (source.Location, source.Ref, source.Subdirectory));
    }

    [ReferenceDataFact]
    public async Task File_uri_loads_the_directory_it_names()
    {
        var basic = Path.Combine(TestData.SharedRototo(), "examples", "basic");

        var workspace = await Workspace.LoadAsync("file://" + basic, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Contains(workspace.Inspection.Variables, v => v.Id == "checkout-redesign");
    }
}
