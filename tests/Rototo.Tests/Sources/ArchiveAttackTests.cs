using System.Formats.Tar;
using Rototo.Sources;

namespace Rototo.Tests.Sources;

/// <summary>
/// Hostile archives (rototo.md §12.3, rototo-acceptance.md J-05): each is served over real HTTPS in both formats
/// and refused with the exact message, without writing outside the extraction folder.
/// </summary>
public sealed class ArchiveAttackTests : IAsyncLifetime
{
    private HttpsArchiveServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await HttpsArchiveServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string, string> UnsafePaths => new()
    {
        { "../evil", "workspace archive contains unsafe path: ../evil" },
        { "/tmp/evil", "workspace archive contains unsafe path: /tmp/evil" },
        { "workspace/../evil", "workspace archive contains unsafe path: workspace/../evil" },
    };

    [Theory]
    [MemberData(nameof(UnsafePaths))]
    public async Task Tar_entry_with_an_unsafe_path_is_refused(string path, string expected)
    {
        var error = await RefusedAsync(new ArchiveBuilder().MessageWorkspace("x").File(path, "evil").TarGz());

        Assert.Equal(expected, error.Message);
    }

    [Theory]
    [MemberData(nameof(UnsafePaths))]
    public async Task Zip_entry_with_an_unsafe_path_is_refused(string path, string expected)
    {
        var error = await RefusedAsync(new ArchiveBuilder().MessageWorkspace("x").File(path, "evil").Zip());

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public async Task Fifo_entry_is_an_unsupported_type()
    {
        var error = await RefusedAsync(new ArchiveBuilder().MessageWorkspace("x").Fifo("pipe").TarGz());

        Assert.Equal("workspace archive contains unsupported entry type at: pipe", error.Message);
    }

    [Fact]
    public async Task Zip_fifo_entry_is_an_unsupported_type()
    {
        var error = await RefusedAsync(new ArchiveBuilder().MessageWorkspace("x").Fifo("pipe").Zip());

        Assert.Equal("workspace archive contains unsupported entry type at: pipe", error.Message);
    }

    [Theory]
    [InlineData("variables/link.toml", "../../outside.toml")]
    [InlineData("link", "/etc/passwd")]
    public async Task Symbolic_link_escaping_the_root_is_refused(string name, string target)
    {
        var tar = await RefusedAsync(new ArchiveBuilder().MessageWorkspace("x").SymbolicLink(name, target).TarGz());
        var zip = await RefusedAsync(new ArchiveBuilder().MessageWorkspace("x").SymbolicLink(name, target).Zip());

        Assert.Equal($"workspace archive contains a link escaping the workspace: {name} -> {target}", tar.Message);
        Assert.Equal(tar.Message, zip.Message);
    }

    [Fact]
    public async Task Hard_link_escaping_the_root_is_refused()
    {
        var error = await RefusedAsync(new ArchiveBuilder().MessageWorkspace("x").HardLink("variables/copy.toml", "../../etc/passwd").TarGz());

        Assert.Equal("workspace archive contains a link escaping the workspace: variables/copy.toml -> ../../etc/passwd", error.Message);
    }

    [Fact]
    public async Task Link_inside_the_root_is_skipped_like_rototo_does()
    {
        _server.ServeBytes("/inside.tar.gz", new ArchiveBuilder().MessageWorkspace("ok").SymbolicLink("variables/alias.toml", "message.toml").TarGz());

        var staged = await WorkspaceSources.StageAsync(_server.Url("/inside.tar.gz"), _server.SourceOptions(), TestContext.Current.CancellationToken);

        Assert.False(File.Exists(Path.Combine(staged.Root, "variables", "alias.toml")));
        Assert.True(File.Exists(Path.Combine(staged.Root, "variables", "message.toml")));
        staged.Release();
    }

    [Fact]
    public async Task Entry_that_collides_with_an_earlier_one_fails_to_extract()
    {
        var error = await RefusedAsync(new ArchiveBuilder().File("variables", "a file").File("variables/message.toml", "x").TarGz());

        Assert.StartsWith("failed to extract workspace archive: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task File_content_over_the_unpacked_limit_is_refused()
    {
        var options = _server.SourceOptions() with { MaxUnpackedBytes = 4 };

        // A ustar archive: a PAX one would first spend the 4 bytes on the extended header that precedes the file.
        var tar = await RefusedAsync(new ArchiveBuilder().File("five.txt", "12345").TarGz(TarEntryFormat.Ustar), options);
        var zip = await RefusedAsync(new ArchiveBuilder().File("five.txt", "12345").Zip(), options);

        Assert.Equal("workspace archive decompressed content is too large: exceeded limit of 4 bytes", tar.Message);
        Assert.Equal(tar.Message, zip.Message);
    }

    [Fact]
    public async Task Highly_compressible_bomb_is_stopped_at_the_unpacked_limit()
    {
        // 64 MiB of zeros compresses to about 64 KiB: under the download limit, over a 16 MiB unpacked limit.
        var bomb = new ArchiveBuilder().File("zeros.bin", new byte[64 * 1024 * 1024]).TarGz();
        Assert.True(bomb.Length < 1024 * 1024);

        var error = await RefusedAsync(bomb, _server.SourceOptions() with { MaxUnpackedBytes = 16 * 1024 * 1024 });

        Assert.Equal("workspace archive decompressed content is too large: exceeded limit of 16777216 bytes", error.Message);
    }

    [Fact]
    public async Task Entries_over_the_limit_are_refused()
    {
        var options = _server.SourceOptions() with { MaxArchiveEntries = 1 };

        var tar = await RefusedAsync(new ArchiveBuilder().File("a", "1").File("b", "2").TarGz(), options);
        var zip = await RefusedAsync(new ArchiveBuilder().File("a", "1").File("b", "2").Zip(), options);

        Assert.Equal("workspace archive contains too many entries: exceeded limit of 1", tar.Message);
        Assert.Equal(tar.Message, zip.Message);
    }

    private async Task<RototoException> RefusedAsync(byte[] archive, WorkspaceSourceOptions? options = null)
    {
        var path = $"/attack-{Guid.NewGuid():N}";
        _server.ServeBytes(path, archive);
        var error = await Assert.ThrowsAsync<RototoException>(() => WorkspaceSources.StageAsync(_server.Url(path), options ?? _server.SourceOptions(), TestContext.Current.CancellationToken));
        Assert.False(File.Exists("/tmp/evil"));
        return error;
    }
}
