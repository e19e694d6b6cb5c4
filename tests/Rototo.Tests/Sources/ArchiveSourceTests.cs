using Microsoft.AspNetCore.Http;
using System.Text;
using Rototo.Sources;

namespace Rototo.Tests.Sources;

/// <summary>https:// archive sources served by a real Kestrel HTTPS server (rototo.md §12.3, rototo-acceptance.md J-05).</summary>
public sealed class ArchiveSourceTests : IAsyncLifetime
{
    private HttpsArchiveServer _server = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await HttpsArchiveServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Tar_gz_with_the_manifest_at_the_root_loads()
    {
        _server.ServeBytes("/ws.tar.gz", new ArchiveBuilder().MessageWorkspace("from tar").TarGz(), etag: "\"v2\"", lastModified: "Thu, 28 May 2026 12:00:00 GMT");

        var workspace = await Workspace.LoadAsync(_server.Url("/ws.tar.gz"), new WorkspaceLoadOptions { Sources = _server.SourceOptions() }, Token);

        Assert.Equal("from tar", workspace.ResolveVariable("message", ResolveContext.Empty).GetValue<string>());
        Assert.Equal(SourceFingerprint.HttpValidator("etag:\"v2\""), workspace.Source.Fingerprint);
        Assert.False(workspace.Source.Immutable);
    }

    [Fact]
    public async Task Zip_with_a_single_wrapper_directory_loads()
    {
        _server.ServeBytes("/ws.zip", new ArchiveBuilder().Directory("wrapper/").MessageWorkspace("from zip", "wrapper/").Zip(), lastModified: "Thu, 28 May 2026 12:00:00 GMT");

        var workspace = await Workspace.LoadAsync(_server.Url("/ws.zip"), new WorkspaceLoadOptions { Sources = _server.SourceOptions() }, Token);

        Assert.Equal("from zip", workspace.ResolveVariable("message", ResolveContext.Empty).GetValue<string>());
        Assert.Equal(SourceFingerprint.HttpValidator("last-modified:Thu, 28 May 2026 12:00:00 GMT"), workspace.Source.Fingerprint);
    }

    [Fact]
    public async Task Subdirectory_fragment_selects_the_workspace_and_no_validator_means_a_content_hash()
    {
        var bytes = new ArchiveBuilder().MessageWorkspace("nested", "top/config/").File("top/README.md", "x").File("other.txt", "y").TarGz();
        _server.ServeBytes("/nested.tar.gz", bytes);

        var workspace = await Workspace.LoadAsync(_server.Url("/nested.tar.gz#:top/config"), new WorkspaceLoadOptions { Sources = _server.SourceOptions() }, Token);

        Assert.Equal("nested", workspace.ResolveVariable("message", ResolveContext.Empty).GetValue<string>());
        var expected = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        Assert.Equal(SourceFingerprint.ContentHash(expected), workspace.Source.Fingerprint);
    }

    [Fact]
    public async Task Content_hash_of_abc_is_its_sha256()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "abc", Token);
        try
        {
            var fingerprint = await ArchiveSource.ContentHashAsync(file, Token);

            Assert.Equal(SourceFingerprint.ContentHash("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), fingerprint);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Archive_without_a_clear_root_asks_for_a_subdirectory()
    {
        _server.ServeBytes("/two.tar.gz", new ArchiveBuilder().MessageWorkspace("a", "a/").MessageWorkspace("b", "b/").TarGz());
        var source = _server.Url("/two.tar.gz");

        var error = await Assert.ThrowsAsync<RototoException>(() => WorkspaceSources.StageAsync(source, _server.SourceOptions(), Token));

        Assert.Equal($"workspace archive from `{source}` does not contain a clear workspace root; use #:subdir", error.Message);
    }

    [Fact]
    public async Task Bearer_token_is_sent_from_the_options()
    {
        _server.ServeBytes("/private.tar.gz", new ArchiveBuilder().MessageWorkspace("secret").TarGz(), requireToken: "t0ken");

        var refused = await Assert.ThrowsAsync<RototoException>(() => WorkspaceSources.StageAsync(_server.Url("/private.tar.gz"), _server.SourceOptions(), Token));
        var workspace = await Workspace.LoadAsync(_server.Url("/private.tar.gz"), new WorkspaceLoadOptions { Sources = _server.SourceOptions("t0ken") }, Token);

        Assert.Equal("failed to fetch workspace archive: HTTP 401 Unauthorized: token required", refused.Message);
        Assert.Equal("secret", workspace.ResolveVariable("message", ResolveContext.Empty).GetValue<string>());
        Assert.Contains("GET /private.tar.gz Bearer t0ken", _server.Requests);
    }

    [Fact]
    public async Task Server_error_reports_status_and_body()
    {
        _server.Serve("/broken.tar.gz", async context =>
        {
            context.Response.StatusCode = 500;
            await context.Response.WriteAsync("  database unavailable \n", Token);
        });

        var error = await Assert.ThrowsAsync<RototoException>(() => WorkspaceSources.StageAsync(_server.Url("/broken.tar.gz"), _server.SourceOptions(), Token));

        Assert.Equal("failed to fetch workspace archive: HTTP 500 Internal Server Error: database unavailable", error.Message);
    }

    [Fact]
    public async Task Https_redirects_are_followed()
    {
        _server.ServeBytes("/real.tar.gz", new ArchiveBuilder().MessageWorkspace("moved").TarGz());
        _server.Serve("/old.tar.gz", context =>
        {
            context.Response.Redirect("/real.tar.gz");
            return Task.CompletedTask;
        });

        var workspace = await Workspace.LoadAsync(_server.Url("/old.tar.gz"), new WorkspaceLoadOptions { Sources = _server.SourceOptions() }, Token);

        Assert.Equal("moved", workspace.ResolveVariable("message", ResolveContext.Empty).GetValue<string>());
    }

    [Fact]
    public async Task Redirect_to_http_is_refused()
    {
        _server.Serve("/downgrade.tar.gz", context =>
        {
            context.Response.Redirect("http://127.0.0.1:1/workspace.tar.gz");
            return Task.CompletedTask;
        });

        var error = await Assert.ThrowsAsync<RototoException>(() => WorkspaceSources.StageAsync(_server.Url("/downgrade.tar.gz"), _server.SourceOptions(), Token));

        Assert.Equal("workspace archive redirects must stay on https", error.Message);
    }

    [Fact]
    public async Task Endless_redirects_stop_after_ten()
    {
        _server.Serve("/loop.tar.gz", context =>
        {
            context.Response.Redirect("/loop.tar.gz");
            return Task.CompletedTask;
        });

        var error = await Assert.ThrowsAsync<RototoException>(() => WorkspaceSources.StageAsync(_server.Url("/loop.tar.gz"), _server.SourceOptions(), Token));

        Assert.Equal("failed to fetch workspace archive: too many redirects", error.Message);
        Assert.Equal(11, _server.Requests.Count(r => r.StartsWith("GET /loop.tar.gz", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Declared_length_over_the_download_limit_is_refused()
    {
        _server.ServeBytes("/big.tar.gz", new byte[2048]);

        var error = await Assert.ThrowsAsync<RototoException>(() => WorkspaceSources.StageAsync(_server.Url("/big.tar.gz"), _server.SourceOptions() with { MaxArchiveBytes = 1024 }, Token));

        Assert.Equal("workspace archive is too large: 2048 bytes exceeds limit of 1024 bytes", error.Message);
    }

    [Fact]
    public async Task Streamed_body_over_the_download_limit_is_refused()
    {
        _server.Serve("/chunked.tar.gz", async context =>
        {
            for (var i = 0; i < 4; i++)
            {
                await context.Response.Body.WriteAsync(new byte[512], Token);
                await context.Response.Body.FlushAsync(Token);
            }
        });

        var error = await Assert.ThrowsAsync<RototoException>(() => WorkspaceSources.StageAsync(_server.Url("/chunked.tar.gz"), _server.SourceOptions() with { MaxArchiveBytes = 1024 }, Token));

        Assert.Equal("workspace archive is too large: exceeded limit of 1024 bytes", error.Message);
    }

    [Fact]
    public async Task Untrusted_certificate_is_refused_without_the_handler_option()
    {
        _server.ServeBytes("/ws.tar.gz", new ArchiveBuilder().MessageWorkspace("x").TarGz());

        var error = await Assert.ThrowsAsync<RototoException>(() => WorkspaceSources.StageAsync(_server.Url("/ws.tar.gz"), cancellationToken: Token));

        Assert.StartsWith("failed to fetch workspace archive: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Archive_that_is_neither_tar_gz_nor_zip_is_refused()
    {
        _server.ServeBytes("/text.tar.gz", Encoding.UTF8.GetBytes("not an archive"));

        var error = await Assert.ThrowsAsync<RototoException>(() => WorkspaceSources.StageAsync(_server.Url("/text.tar.gz"), _server.SourceOptions(), Token));

        Assert.Equal("failed to read workspace archive: not a gzip-compressed tar or zip archive", error.Message);
    }

    [Fact]
    public async Task Token_is_not_forwarded_to_another_host_on_redirect()
    {
        var port = new Uri(_server.BaseUrl).Port;
        _server.ServeBytes("/elsewhere.tar.gz", new ArchiveBuilder().MessageWorkspace("elsewhere").TarGz());
        _server.Serve("/start.tar.gz", context =>
        {
            context.Response.Redirect($"https://localhost:{port}/elsewhere.tar.gz");
            return Task.CompletedTask;
        });

        var staged = await WorkspaceSources.StageAsync(_server.Url("/start.tar.gz"), _server.SourceOptions("t0ken"), Token);
        staged.Release();

        Assert.Contains("GET /start.tar.gz Bearer t0ken", _server.Requests);
        Assert.Contains("GET /elsewhere.tar.gz", _server.Requests);
    }

    [Fact]
    public async Task Slow_server_times_out_with_the_limit_in_the_message()
    {
        _server.Serve("/slow.tar.gz", async context =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        });

        var error = await Assert.ThrowsAsync<RototoException>(() => WorkspaceSources.StageAsync(_server.Url("/slow.tar.gz"), _server.SourceOptions() with { HttpTimeout = TimeSpan.FromMilliseconds(200) }, Token));

        Assert.Equal("failed to fetch workspace archive: timed out after 0.2 s", error.Message);
    }
}
