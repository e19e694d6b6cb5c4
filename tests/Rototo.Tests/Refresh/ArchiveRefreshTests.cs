using Rototo.Refresh;
using Rototo.Sources;
using Rototo.Tests.Sources;

namespace Rototo.Tests.Refresh;

/// <summary>RefreshingWorkspace on an https:// archive served by a real Kestrel HTTPS server (rototo.md §14.2).</summary>
public sealed class ArchiveRefreshTests : IAsyncLifetime
{
    private HttpsArchiveServer _server = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = await HttpsArchiveServer.StartAsync();
        Publish("hello", "\"v1\"");
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private void Publish(string message, string etag) =>
        _server.ServeBytes("/ws.tar.gz", new ArchiveBuilder().MessageWorkspace(message).TarGz(), etag: etag);

    private Task<RefreshingWorkspace> LoadAsync(WorkspaceSourceOptions? sources = null) =>
        RefreshingWorkspace.LoadAsync(_server.Url("/ws.tar.gz"), loadOptions: new WorkspaceLoadOptions { Sources = sources ?? _server.SourceOptions() }, cancellationToken: Token);

    private static string Message(RefreshingWorkspace workspace) =>
        workspace.ResolveVariable("message", ResolveContext.Empty).GetValue<string>()!;

    [Fact]
    public async Task Same_etag_is_unchanged_after_a_head_request_and_a_new_etag_refreshes()
    {
        await using var workspace = await LoadAsync();

        Assert.Equal(RefreshOutcome.Unchanged, await workspace.RefreshNowAsync(Token));
        Assert.Equal(1, _server.Requests.Count(r => r.StartsWith("GET ", StringComparison.Ordinal)));
        Assert.Contains("HEAD /ws.tar.gz", _server.Requests);

        Publish("goodbye", "\"v2\"");
        Assert.Equal(RefreshOutcome.Refreshed, await workspace.RefreshNowAsync(Token));
        Assert.Equal("goodbye", Message(workspace));
        Assert.Equal(SourceFingerprint.HttpValidator("etag:\"v2\""), workspace.GetStatus().CurrentFingerprint);
    }

    [Fact]
    public async Task Last_modified_alone_is_a_validator_too()
    {
        _server.ServeBytes("/ws.tar.gz", new ArchiveBuilder().MessageWorkspace("dated").TarGz(), lastModified: "Thu, 28 May 2026 12:00:00 GMT");
        await using var workspace = await LoadAsync();

        Assert.Equal(RefreshOutcome.Unchanged, await workspace.RefreshNowAsync(Token));
        Assert.Equal(SourceFingerprint.HttpValidator("last-modified:Thu, 28 May 2026 12:00:00 GMT"), workspace.GetStatus().CurrentFingerprint);
    }

    [Fact]
    public async Task Archive_without_validators_cannot_be_probed_and_reloads_every_time()
    {
        var bytes = new ArchiveBuilder().MessageWorkspace("plain").TarGz();
        _server.ServeBytes("/ws.tar.gz", bytes);
        await using var workspace = await LoadAsync();

        Assert.Equal(RefreshOutcome.Refreshed, await workspace.RefreshNowAsync(Token));
        Assert.Equal(2, _server.Requests.Count(r => r.StartsWith("GET /ws.tar.gz", StringComparison.Ordinal)));
        var hash = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        Assert.Equal(SourceFingerprint.ContentHash(hash), workspace.GetStatus().CurrentFingerprint);
    }

    [Fact]
    public async Task Server_error_keeps_the_last_good_workspace_and_counts_failures()
    {
        await using var workspace = await LoadAsync();
        _server.Serve("/ws.tar.gz", context =>
        {
            context.Response.StatusCode = 500;
            return Task.CompletedTask;
        });

        var first = await Assert.ThrowsAsync<RototoException>(() => workspace.RefreshNowAsync(Token));
        await Assert.ThrowsAsync<RototoException>(() => workspace.RefreshNowAsync(Token));

        Assert.Equal("failed to check workspace archive: HTTP 500 Internal Server Error", first.Message);
        Assert.Equal("hello", Message(workspace));
        var status = workspace.GetStatus();
        Assert.Equal(2, status.ConsecutiveFailures);
        Assert.Equal(first.Message, status.LastError);
        Assert.False(status.Refreshing);

        Publish("recovered", "\"v3\"");
        Assert.Equal(RefreshOutcome.Refreshed, await workspace.RefreshNowAsync(Token));
        Assert.Equal(0, workspace.GetStatus().ConsecutiveFailures);
        Assert.Null(workspace.GetStatus().LastError);
    }

    [Fact]
    public async Task Archive_over_the_limits_keeps_the_last_good_workspace()
    {
        var limits = _server.SourceOptions() with { MaxUnpackedBytes = 4096 };
        await using var workspace = await LoadAsync(limits);
        _server.ServeBytes("/ws.tar.gz", new ArchiveBuilder().MessageWorkspace("too big").File("padding.bin", new byte[8192]).TarGz(), etag: "\"big\"");

        var error = await Assert.ThrowsAsync<RototoException>(() => workspace.RefreshNowAsync(Token));

        Assert.Equal("workspace archive decompressed content is too large: exceeded limit of 4096 bytes", error.Message);
        Assert.Equal("hello", Message(workspace));
        Assert.Equal(1, workspace.GetStatus().ConsecutiveFailures);
        Assert.Equal(SourceFingerprint.HttpValidator("etag:\"v1\""), workspace.GetStatus().CurrentFingerprint);
    }

    [Fact]
    public async Task Background_loop_backs_off_after_failures()
    {
        await using var workspace = await RefreshingWorkspace.LoadAsync(_server.Url("/ws.tar.gz"),
            new RefreshOptions { Period = TimeSpan.FromMilliseconds(50), MinFailureBackoff = TimeSpan.FromSeconds(1), MaxFailureBackoff = TimeSpan.FromSeconds(1) },
            new WorkspaceLoadOptions { Sources = _server.SourceOptions() }, Token);
        _server.Serve("/ws.tar.gz", context =>
        {
            context.Response.StatusCode = 500;
            return Task.CompletedTask;
        });

        await WaitForAsync(() => workspace.GetStatus().ConsecutiveFailures == 1);
        var firstAttempt = workspace.GetStatus().LastAttempt;
        await Task.Delay(500, Token);

        // Half-way through the 1 s backoff: no new attempt.
        Assert.Equal(1, workspace.GetStatus().ConsecutiveFailures);
        Assert.Equal(firstAttempt, workspace.GetStatus().LastAttempt);
        await WaitForAsync(() => workspace.GetStatus().ConsecutiveFailures == 2);
        Assert.True(workspace.GetStatus().LastAttempt - firstAttempt >= TimeSpan.FromMilliseconds(1050));
        Assert.Equal("hello", Message(workspace));
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached within 20 s");
            await Task.Delay(10, Token);
        }
    }
}
