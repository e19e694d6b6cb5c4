using System.Text;
using CloudRuntimes.Components;
using CloudRuntimes.Components.Composition;
using CloudRuntimes.Files;

namespace CloudRuntimes.Tests.Conformance;

/// <summary>
/// The file store conformance suite (Layotto file API): put/get round trip, list by prefix, stat, delete, and
/// names that escape the store (<c>..</c>, absolute paths) refused without touching anything.
/// </summary>
public abstract class FileStoreConformance : ComponentConformance<IFileStore>
{
    /// <inheritdoc />
    protected override IFileStore Resolve(CloudRuntimesComponents components, string name) => components.GetFileStore(name);

    private IFileStore Files => Component;

    private Task PutAsync(string name, string text) => Files.PutAsync(name, new MemoryStream(Encoding.UTF8.GetBytes(text)));

    private async Task<string> ReadAsync(string name)
    {
        await using var stream = await Files.GetAsync(name);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    [Fact]
    public async Task Put_then_get_returns_the_content_and_replaces_on_second_put()
    {
        await PutAsync("reports/2026/q1.txt", "first");
        await PutAsync("reports/2026/q1.txt", "second");

        Assert.Equal("second", await ReadAsync("reports/2026/q1.txt"));
    }

    [Fact]
    public async Task List_returns_files_under_the_prefix_sorted_by_name()
    {
        await PutAsync("b/2.txt", "22");
        await PutAsync("a/1.txt", "1");
        await PutAsync("b/1.txt", "1");
        await PutAsync("c.txt", "c");

        var all = await Files.ListAsync();
        var underB = await Files.ListAsync("b/");

        Assert.Equal(["a/1.txt", "b/1.txt", "b/2.txt", "c.txt"], all.Select(f => f.Name));
        Assert.Equal(["b/1.txt", "b/2.txt"], underB.Select(f => f.Name));
        Assert.Equal(2, underB[1].Size);
    }

    [Fact]
    public async Task Stat_describes_a_file_and_returns_null_for_a_missing_one()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        await PutAsync("notes.txt", "12345");

        var entry = await Files.StatAsync("notes.txt");

        Assert.NotNull(entry);
        Assert.Equal("notes.txt", entry.Name);
        Assert.Equal(5, entry.Size);
        Assert.True(entry.LastModified >= before);
        Assert.Null(await Files.StatAsync("missing.txt"));
    }

    [Fact]
    public async Task Delete_removes_a_file_and_reports_whether_there_was_one()
    {
        await PutAsync("tmp.txt", "x");

        Assert.True(await Files.DeleteAsync("tmp.txt"));
        Assert.False(await Files.DeleteAsync("tmp.txt"));
        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => Files.GetAsync("tmp.txt"));
        Assert.Equal(CloudRuntimesErrors.FileNotFound.Code, error.ErrorCode);
    }

    [Theory]
    [InlineData("../outside.txt")]
    [InlineData("a/../../outside.txt")]
    [InlineData("a/..")]
    [InlineData("/etc/passwd")]
    [InlineData("")]
    public async Task Names_escaping_the_store_are_refused(string name)
    {
        var put = await Assert.ThrowsAsync<CloudRuntimesException>(() => PutAsync(name, "x"));
        var get = await Assert.ThrowsAsync<CloudRuntimesException>(() => Files.GetAsync(name));
        var delete = await Assert.ThrowsAsync<CloudRuntimesException>(() => Files.DeleteAsync(name));

        Assert.All([put, get, delete], e => Assert.Equal(CloudRuntimesErrors.FilePathInvalid.Code, e.ErrorCode));
        Assert.Empty(await Files.ListAsync());
    }
}
