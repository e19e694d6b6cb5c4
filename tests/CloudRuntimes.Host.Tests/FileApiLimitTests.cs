using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// Hostile file names against the real server process and its default <c>file.local</c> store (docs/security.md): names
/// past the bounds are 400 before a folder is made, folders and files in each other's place are clear 4xx answers, no
/// answer names the server's own data path, and folders left empty by a delete or a failed put are removed.
/// </summary>
[Collection(RuntimeGroup.Name)]
public sealed class FileApiLimitTests(RuntimeProcesses runtime) : IAsyncLifetime
{
    private OwnServer _own = null!;

    private HttpClient Http => runtime.Http;

    private string Root => Path.Combine(_own.Data, "files");

    private Uri File(string name) => new(Server.Endpoint, "v1.0-alpha1/files/files/" + name);

    private ServerProcess Server => _own.Process;

    public async ValueTask InitializeAsync() => _own = await OwnServer.StartAsync(Http, "files");

    public ValueTask DisposeAsync() => _own.DisposeAsync();

    [Fact]
    public async Task A_name_of_1500_segments_is_400_and_creates_no_folder()
    {
        var deep = string.Join('/', Enumerable.Repeat("d", 1500)) + "/f.txt";

        using var put = await Http.PutAsync(File(deep), new StringContent("x"));

        // 1,500 "d/" and "f.txt" are 3,005 bytes: refused for its length, before its segments are looked at.
        await AssertErrorAsync(put, HttpStatusCode.BadRequest, "ERR_FILE_PATH_INVALID", "it is longer than 1,024 bytes");
        Assert.Empty(Directory.EnumerateFileSystemEntries(Root));
    }

    [Theory]
    [InlineData(32, 1, HttpStatusCode.NoContent)]
    [InlineData(33, 1, HttpStatusCode.BadRequest)]
    [InlineData(1, 255, HttpStatusCode.NoContent)]
    [InlineData(1, 256, HttpStatusCode.BadRequest)]
    [InlineData(4, 255, HttpStatusCode.NoContent)]
    [InlineData(5, 255, HttpStatusCode.BadRequest)]
    public async Task Names_are_bounded_in_segments_segment_length_and_total_length(int segments, int segmentLength, HttpStatusCode expected)
    {
        // 4 segments of 255 bytes and 3 slashes are 1,023 bytes; 5 are 1,279, over the 1,024 of a name.
        var name = string.Join('/', Enumerable.Range(0, segments).Select(i => new string((char)('a' + (i % 26)), segmentLength)));

        using var put = await Http.PutAsync(File(name), new StringContent("x"));

        Assert.Equal(expected, put.StatusCode);
        if (segments == 33)
        {
            await AssertErrorAsync(put, HttpStatusCode.BadRequest, "ERR_FILE_PATH_INVALID", "it has 33 segments (at most 32)");
        }
        if (expected == HttpStatusCode.NoContent)
        {
            Assert.Equal("x", await Http.GetStringAsync(File(name)));
        }
        else
        {
            Assert.Equal("ERR_FILE_PATH_INVALID", (await put.Content.ReadFromJsonAsync<JsonObject>())!["errorCode"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Reading_a_folder_is_404_without_the_servers_path()
    {
        using var put = await Http.PutAsync(File("dir/a.txt"), new StringContent("x"));
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);

        using var get = await Http.GetAsync(File("dir"));

        await AssertErrorAsync(get, HttpStatusCode.NotFound, "ERR_FILE_NOT_FOUND", "'dir' is a folder, not a file");
    }

    [Fact]
    public async Task A_file_under_a_file_or_in_a_folders_place_is_409_and_both_are_kept()
    {
        using var file = await Http.PutAsync(File("a.txt"), new StringContent("kept"));
        using var folder = await Http.PutAsync(File("dir/b.txt"), new StringContent("kept too"));

        using var under = await Http.PutAsync(File("a.txt/b.txt"), new StringContent("y"));
        using var over = await Http.PutAsync(File("dir"), new StringContent("y"));

        await AssertErrorAsync(under, HttpStatusCode.Conflict, "ERR_FILE_CONFLICT", "'a.txt' is a file");
        await AssertErrorAsync(over, HttpStatusCode.Conflict, "ERR_FILE_CONFLICT", "a folder has that name");
        Assert.Equal("kept", await Http.GetStringAsync(File("a.txt")));
        Assert.Equal("kept too", await Http.GetStringAsync(File("dir/b.txt")));
        Assert.Equal(["a.txt", "dir"], Directory.EnumerateFileSystemEntries(Root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Deleting_the_last_file_of_a_folder_removes_the_folders_it_leaves_empty()
    {
        using var kept = await Http.PutAsync(File("x/keep.txt"), new StringContent("1"));
        using var deep = await Http.PutAsync(File("x/y/z/f.txt"), new StringContent("2"));
        Assert.True(Directory.Exists(Path.Combine(Root, "x", "y", "z")));

        using var delete = await Http.DeleteAsync(File("x/y/z/f.txt"));

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.False(Directory.Exists(Path.Combine(Root, "x", "y")));
        Assert.Equal("1", await Http.GetStringAsync(File("x/keep.txt")));

        using var last = await Http.DeleteAsync(File("x/keep.txt"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Root));
        Assert.True(Directory.Exists(Root));
    }

    [Fact]
    public async Task A_put_refused_for_its_size_leaves_no_folder_behind()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, File("big/er/file.bin")) { Content = new ByteArrayContent(new byte[5 * 1024 * 1024]) };
        // As curl does for large bodies, the client waits for 100-continue, so the server's early answer reaches it.
        request.Headers.ExpectContinue = true;
        using var put = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, put.StatusCode);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Root));
    }

    /// <summary>The status, code and a part of the message, and that no part of the answer names the server's data folder.</summary>
    private async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code, string messagePart)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(status, response.StatusCode);
        var error = JsonNode.Parse(text)!;
        Assert.Equal(code, error["errorCode"]!.GetValue<string>());
        Assert.Contains(messagePart, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(_own.Data, text, StringComparison.Ordinal);
    }
}
