using Rototo.Refresh;

namespace Rototo.Tests.Refresh;

/// <summary>RefreshingWorkspace on local sources (rototo-acceptance.md F-05, L-03, L-07, L-08, L-10; spec §14.2).</summary>
public sealed class RefreshingWorkspaceTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "rototo-refresh-" + Guid.NewGuid().ToString("N"));

    public RefreshingWorkspaceTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "variables"));
        File.WriteAllText(Path.Combine(_root, "rototo-workspace.toml"), "schema_version = 1\n");
        WriteMessage("hello");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Refresh_now_picks_up_an_edit_and_shutdown_stops_resolution()
    {
        var workspace = await RefreshingWorkspace.LoadAsync(_root);
        Assert.Equal("hello", Message(workspace));

        WriteMessage("updated");
        Assert.Equal("hello", Message(workspace));
        Assert.Equal(RefreshOutcome.Refreshed, await workspace.RefreshNowAsync());
        Assert.Equal("updated", Message(workspace));

        var status = workspace.GetStatus();
        Assert.NotNull(status.LastSuccess);
        Assert.NotNull(status.LastAttempt);
        Assert.Equal(0, status.ConsecutiveFailures);
        Assert.Null(status.LastError);
        Assert.False(status.Immutable);

        await workspace.ShutdownAsync();
        var error = Assert.Throws<RototoException>(() => Message(workspace));
        Assert.Equal("refreshing workspace has been shut down", error.Message);
    }

    [Fact]
    public async Task Broken_manifest_keeps_the_last_good_workspace_and_counts_the_failure()
    {
        await using var workspace = await RefreshingWorkspace.LoadAsync(_root);
        File.WriteAllText(Path.Combine(_root, "rototo-workspace.toml"), "not = [valid\n");

        await Assert.ThrowsAsync<RototoException>(() => workspace.RefreshNowAsync());

        Assert.Equal("hello", Message(workspace));
        var status = workspace.GetStatus();
        Assert.Equal(1, status.ConsecutiveFailures);
        Assert.NotNull(status.LastError);
    }

    [Fact]
    public async Task Lint_error_in_a_refresh_is_refused()
    {
        await using var workspace = await RefreshingWorkspace.LoadAsync(_root);
        File.WriteAllText(Path.Combine(_root, "variables", "message.toml"), "schema_version = 1\ntype = \"int\"\n[values]\ndefault = \"not an int\"\n[resolve]\ndefault = \"default\"\n");

        var error = await Assert.ThrowsAsync<RototoException>(() => workspace.RefreshNowAsync());

        Assert.StartsWith("workspace lint failed with", error.Message, StringComparison.Ordinal);
        Assert.Equal("hello", Message(workspace));
    }

    [Fact]
    public async Task Background_period_sees_a_change_and_raises_changed()
    {
        var changed = new TaskCompletionSource<WorkspaceChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var workspace = await RefreshingWorkspace.LoadAsync(_root, new RefreshOptions { Period = TimeSpan.FromMilliseconds(100) });
        workspace.Changed += (_, e) => changed.TrySetResult(e);

        WriteMessage("goodbye");
        var args = await changed.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("goodbye", args.Current.ResolveVariable("message", ResolveContext.Empty).GetValue<string>());
        Assert.Equal("goodbye", Message(workspace));
    }

    [Fact]
    public async Task Resolutions_during_refreshes_never_fail()
    {
        await using var workspace = await RefreshingWorkspace.LoadAsync(_root);
        using var stop = new CancellationTokenSource();
        var seen = new System.Collections.Concurrent.ConcurrentBag<string>();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                seen.Add(Message(workspace));
            }
        })).ToArray();

        for (var i = 0; i < 5; i++)
        {
            WriteMessage($"v{i}");
            await workspace.RefreshNowAsync();
        }
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        Assert.Equal("v4", Message(workspace));
        Assert.All(seen, value => Assert.Contains(value, new[] { "hello", "v0", "v1", "v2", "v3", "v4" }));
    }

    [Fact]
    public void Backoff_doubles_per_failure_up_to_the_maximum()
    {
        var options = new RefreshOptions { MinFailureBackoff = TimeSpan.FromSeconds(5), MaxFailureBackoff = TimeSpan.FromSeconds(60) };

        Assert.Equal(TimeSpan.FromSeconds(5), options.Backoff(1));
        Assert.Equal(TimeSpan.FromSeconds(10), options.Backoff(2));
        Assert.Equal(TimeSpan.FromSeconds(40), options.Backoff(4));
        Assert.Equal(TimeSpan.FromSeconds(60), options.Backoff(5));
    }

    [Fact]
    public async Task Non_positive_period_is_an_argument_error()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => RefreshingWorkspace.LoadAsync(_root, new RefreshOptions { Period = TimeSpan.Zero }));
    }

    private static string Message(RefreshingWorkspace workspace) =>
        workspace.ResolveVariable("message", ResolveContext.Empty).GetValue<string>()!;

    private void WriteMessage(string message) =>
        File.WriteAllText(Path.Combine(_root, "variables", "message.toml"),
            $"schema_version = 1\ntype = \"string\"\n\n[values]\ndefault = \"{message}\"\n\n[resolve]\ndefault = \"default\"\n");
}
