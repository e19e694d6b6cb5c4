using System.Text;
using CloudRuntimes.Components.Files;

namespace CloudRuntimes.Tests.BuiltIn;

/// <summary><c>file.local</c> and symbolic links: links leading outside the root are refused; links inside it work.</summary>
public sealed class LocalFileStoreLinkTests : IDisposable
{
    private readonly string _base = Path.Combine(Path.GetTempPath(), "cr-links-" + Guid.NewGuid().ToString("N"));
    private readonly string _root;
    private readonly string _outside;
    private readonly LocalFileStore _store;

    public LocalFileStoreLinkTests()
    {
        _root = Path.Combine(_base, "root");
        _outside = Path.Combine(_base, "outside");
        Directory.CreateDirectory(_root);
        Directory.CreateDirectory(_outside);
        File.WriteAllText(Path.Combine(_outside, "secret.txt"), "outside data");
        _store = new LocalFileStore(_root, "files");
    }

    public void Dispose() => Directory.Delete(_base, recursive: true);

    [Fact]
    public async Task Directory_link_pointing_outside_is_refused_for_reads_and_writes()
    {
        Directory.CreateSymbolicLink(Path.Combine(_root, "escape"), _outside);

        var read = await Assert.ThrowsAsync<CloudRuntimesException>(() => _store.GetAsync("escape/secret.txt"));
        var write = await Assert.ThrowsAsync<CloudRuntimesException>(() => _store.PutAsync("escape/new.txt", new MemoryStream([1])));

        Assert.Equal(CloudRuntimesErrors.FilePathInvalid.Code, read.ErrorCode);
        Assert.Equal(CloudRuntimesErrors.FilePathInvalid.Code, write.ErrorCode);
        Assert.False(File.Exists(Path.Combine(_outside, "new.txt")));
    }

    [Fact]
    public async Task File_link_pointing_outside_is_refused_and_the_target_is_untouched()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "passwd"), Path.Combine(_outside, "secret.txt"));

        var write = await Assert.ThrowsAsync<CloudRuntimesException>(() => _store.PutAsync("passwd", new MemoryStream([1])));
        var delete = await Assert.ThrowsAsync<CloudRuntimesException>(() => _store.DeleteAsync("passwd"));

        Assert.Equal(CloudRuntimesErrors.FilePathInvalid.Code, write.ErrorCode);
        Assert.Equal(CloudRuntimesErrors.FilePathInvalid.Code, delete.ErrorCode);
        Assert.Equal("outside data", File.ReadAllText(Path.Combine(_outside, "secret.txt")));
    }

    [Fact]
    public async Task Relative_link_climbing_out_through_another_link_is_refused()
    {
        Directory.CreateDirectory(Path.Combine(_root, "inner"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "inner", "up"), "../../outside");

        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => _store.GetAsync("inner/up/secret.txt"));

        Assert.Equal(CloudRuntimesErrors.FilePathInvalid.Code, error.ErrorCode);
    }

    [Fact]
    public async Task Link_to_a_folder_inside_the_root_is_followed()
    {
        await _store.PutAsync("data/real.txt", new MemoryStream(Encoding.UTF8.GetBytes("inside")));
        Directory.CreateSymbolicLink(Path.Combine(_root, "alias"), Path.Combine(_root, "data"));

        await using var stream = await _store.GetAsync("alias/real.txt");
        using var reader = new StreamReader(stream);

        Assert.Equal("inside", await reader.ReadToEndAsync());
    }
}
