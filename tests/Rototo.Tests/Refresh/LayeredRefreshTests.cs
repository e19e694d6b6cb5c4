using Rototo.Refresh;
using Rototo.Tests.Layering;

namespace Rototo.Tests.Refresh;

/// <summary>Refresh of a local layered workspace and the shut-down contract (rototo-acceptance.md L-04; rototo.md §14.3 shutdown message).</summary>
public sealed class LayeredRefreshTests : IDisposable
{
    private readonly TempWorkspaces _workspaces = new();

    public void Dispose() => _workspaces.Dispose();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Change_in_a_parent_layer_is_picked_up()
    {
        _workspaces.Workspace("base");
        _workspaces.Variable("base", "base-only", "before");
        var child = _workspaces.Workspace("child", "../base");
        _workspaces.Variable("child", "child-only", "child");
        await using var workspace = await RefreshingWorkspace.LoadAsync(child, cancellationToken: Token);
        Assert.Equal("before", workspace.ResolveVariable("base-only", ResolveContext.Empty).GetValue<string>());

        _workspaces.Variable("base", "base-only", "after");

        Assert.Equal(RefreshOutcome.Refreshed, await workspace.RefreshNowAsync(Token));
        Assert.Equal("after", workspace.ResolveVariable("base-only", ResolveContext.Empty).GetValue<string>());
        Assert.Equal("child", workspace.ResolveVariable("child-only", ResolveContext.Empty).GetValue<string>());
    }

    [Fact]
    public async Task Every_call_after_dispose_fails_with_the_shut_down_message()
    {
        var root = _workspaces.Workspace("ws");
        _workspaces.Variable("ws", "message", "hello");
        var workspace = await RefreshingWorkspace.LoadAsync(root, new RefreshOptions { Period = TimeSpan.FromMilliseconds(50) }, cancellationToken: Token);

        await workspace.DisposeAsync();

        const string expected = "refreshing workspace has been shut down";
        Assert.Equal(expected, Assert.Throws<RototoException>(() => workspace.Current).Message);
        Assert.Equal(expected, (await Assert.ThrowsAsync<RototoException>(() => workspace.RefreshNowAsync(Token))).Message);
        Assert.Equal(expected, (await Assert.ThrowsAsync<RototoException>(() => workspace.ResolveVariableAsync("message", [], cancellationToken: Token))).Message);
        Assert.Equal(expected, (await Assert.ThrowsAsync<RototoException>(() => workspace.ResolveQualifierAsync("any", [], cancellationToken: Token))).Message);
        await workspace.ShutdownAsync(); // idempotent
    }

    [Fact]
    public async Task Fifo_in_a_local_workspace_is_refused_by_a_snapshot_without_waiting()
    {
        var root = _workspaces.Workspace("ws");
        _workspaces.Variable("ws", "message", "hello");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", Path.Combine(root, "pipe")))
        {
            await mkfifo.WaitForExitAsync(Token);
            Assert.SkipWhen(mkfifo.ExitCode != 0, "mkfifo is not available on this system");
        }

        // rototo.md §12.5: a snapshot refuses entries that are neither files nor folders; opening the FIFO would wait forever.
        var error = await Assert.ThrowsAsync<RototoException>(() => RefreshingWorkspace.LoadAsync(root, cancellationToken: Token).WaitAsync(TimeSpan.FromSeconds(20), Token));

        Assert.Equal("workspace snapshot contains unsupported entry type: pipe", error.Message);
    }
}
