using System.Collections.Concurrent;
using Rototo.Refresh;
using Rototo.Sources;
using Rototo.Tests.Sources;

namespace Rototo.Tests.Refresh;

/// <summary>RefreshingWorkspace on real git repositories (rototo.md §14.2, rototo-acceptance.md L-01, L-02, L-05, L-06).</summary>
public sealed class GitRefreshTests : IDisposable
{
    private readonly GitRepository _repository = new();

    public GitRefreshTests()
    {
        _repository.WriteMessageWorkspace("hello");
        FirstCommit = _repository.Commit("hello");
    }

    private string FirstCommit { get; }

    private string Source => _repository.Source("main:rototo");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _repository.Dispose();

    private static string Message(RefreshingWorkspace workspace) =>
        workspace.ResolveVariable("message", ResolveContext.Empty).GetValue<string>()!;

    [Fact]
    public async Task New_commit_is_refreshed_and_fingerprinted()
    {
        await using var workspace = await RefreshingWorkspace.LoadAsync(Source, cancellationToken: Token);
        Assert.Equal(SourceFingerprint.GitCommit(FirstCommit), workspace.GetStatus().CurrentFingerprint);

        _repository.WriteMessageWorkspace("goodbye");
        var second = _repository.Commit("goodbye");

        Assert.Equal(RefreshOutcome.Refreshed, await workspace.RefreshNowAsync(Token));
        Assert.Equal("goodbye", Message(workspace));
        var status = workspace.GetStatus();
        Assert.Equal(0, status.ConsecutiveFailures);
        Assert.Equal(SourceFingerprint.GitCommit(second), status.CurrentFingerprint);
    }

    [Fact]
    public async Task Unchanged_branch_is_not_loaded_again()
    {
        await using var workspace = await RefreshingWorkspace.LoadAsync(Source, cancellationToken: Token);
        var before = workspace.Current;

        Assert.Equal(RefreshOutcome.Unchanged, await workspace.RefreshNowAsync(Token));
        Assert.Same(before, workspace.Current);
        Assert.NotNull(workspace.GetStatus().LastAttempt);
    }

    [Fact]
    public async Task Broken_manifest_commit_keeps_serving_the_last_good_workspace()
    {
        await using var workspace = await RefreshingWorkspace.LoadAsync(Source, cancellationToken: Token);
        _repository.Write("rototo/rototo-workspace.toml", "not = [valid\n");
        _repository.Commit("broken");

        await Assert.ThrowsAsync<RototoException>(() => workspace.RefreshNowAsync(Token));

        Assert.Equal("hello", Message(workspace));
        var status = workspace.GetStatus();
        Assert.Equal(1, status.ConsecutiveFailures);
        Assert.NotNull(status.LastError);
        Assert.Equal(SourceFingerprint.GitCommit(FirstCommit), status.CurrentFingerprint);
    }

    [Fact]
    public async Task Lint_breaking_commit_is_refused_and_counted()
    {
        await using var workspace = await RefreshingWorkspace.LoadAsync(Source, cancellationToken: Token);
        _repository.Write("rototo/variables/message.toml", "schema_version = 1\ntype = \"int\"\n[values]\ndefault = \"not an int\"\n[resolve]\ndefault = \"default\"\n");
        _repository.Commit("lint error");

        var first = await Assert.ThrowsAsync<RototoException>(() => workspace.RefreshNowAsync(Token));
        await Assert.ThrowsAsync<RototoException>(() => workspace.RefreshNowAsync(Token));

        Assert.StartsWith("workspace lint failed with ", first.Message, StringComparison.Ordinal);
        Assert.Equal("hello", Message(workspace));
        var status = workspace.GetStatus();
        Assert.Equal(2, status.ConsecutiveFailures);
        Assert.Equal(first.Message, status.LastError);
    }

    [Fact]
    public async Task Deleted_repository_keeps_serving_and_reports_the_git_error()
    {
        await using var workspace = await RefreshingWorkspace.LoadAsync(Source, cancellationToken: Token);
        GitRepository.Delete(_repository.Path);

        var error = await Assert.ThrowsAsync<RototoException>(() => workspace.RefreshNowAsync(Token));

        Assert.StartsWith("git check failed for workspace source: ", error.Message, StringComparison.Ordinal);
        Assert.Equal("hello", Message(workspace));
        Assert.Equal(1, workspace.GetStatus().ConsecutiveFailures);
        Assert.Equal(error.Message, workspace.GetStatus().LastError);
    }

    [Fact]
    public async Task Pinned_commit_is_immutable_and_starts_no_loop()
    {
        _repository.WriteMessageWorkspace("later");
        _repository.Commit("later");

        await using var workspace = await RefreshingWorkspace.LoadAsync(_repository.Source($"{FirstCommit}:rototo"), new RefreshOptions { Period = TimeSpan.FromMilliseconds(10) }, cancellationToken: Token);
        await Task.Delay(100, Token);

        Assert.True(workspace.GetStatus().Immutable);
        Assert.Null(workspace.GetStatus().LastAttempt); // no background attempt ran
        Assert.Equal(RefreshOutcome.Immutable, await workspace.RefreshNowAsync(Token));
        Assert.Equal("hello", Message(workspace));
    }

    /// <summary>
    /// The "done" scenario of issue 7: readers resolve in a tight loop while the repository gets a new commit; the new
    /// value appears after about one period, no resolution fails, and readers keep resolving while the refresh loads.
    /// </summary>
    [Fact]
    public async Task Tight_resolve_loop_sees_a_new_commit_after_one_period_without_failures()
    {
        var period = TimeSpan.FromMilliseconds(200);
        await using var workspace = await RefreshingWorkspace.LoadAsync(Source, new RefreshOptions { Period = period }, cancellationToken: Token);
        var swapAttempt = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        workspace.Changed += (_, _) => swapAttempt.TrySetResult(workspace.GetStatus().LastAttempt!.Value);
        using var stop = new CancellationTokenSource();
        var failures = new ConcurrentQueue<Exception>();
        using var readersStarted = new CountdownEvent(2);
        // Threads of their own: two spinning readers on the thread pool, beside the other test classes, could start only
        // after the swap (a reader whose first read was already the new value failed this test) and starve the refresh.
        var reads = Enumerable.Range(0, 2).Select(_ => Task.Factory.StartNew(() =>
        {
            var seen = new List<(DateTimeOffset At, string Value)>();
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    seen.Add((DateTimeOffset.UtcNow, Message(workspace)));
                }
                catch (RototoException e)
                {
                    failures.Enqueue(e);
                }
                if (seen.Count == 1)
                {
                    readersStarted.Signal();
                }
            }
            return seen;
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();

        Assert.True(readersStarted.Wait(TimeSpan.FromSeconds(30), Token), "the readers did not start");
        await Task.Delay(period * 2, Token);
        var commitStarted = DateTimeOffset.UtcNow;
        _repository.WriteMessageWorkspace("goodbye");
        _repository.Commit("goodbye");
        var committedAt = DateTimeOffset.UtcNow;
        var attemptStarted = await swapAttempt.Task.WaitAsync(TimeSpan.FromSeconds(30), Token);
        await Task.Delay(period, Token);
        await stop.CancelAsync();
        var histories = await Task.WhenAll(reads);

        Assert.Empty(failures);
        Assert.Equal("goodbye", Message(workspace));
        // The refresh that swapped started about one period after the commit: not before the commit began (git may take
        // longer than a period to write it on a loaded machine, and an attempt during that time can already see it), and
        // within a few periods of its end (slack for probes on a loaded machine).
        Assert.InRange(attemptStarted, commitStarted - period, committedAt + period * 5);
        foreach (var history in histories)
        {
            var firstNew = history.FindIndex(r => r.Value == "goodbye");
            Assert.True(firstNew > 0, "each reader saw the old value and then the new one");
            Assert.All(history.Skip(firstNew), r => Assert.Equal("goodbye", r.Value));
            Assert.All(history.Take(firstNew), r => Assert.Equal("hello", r.Value));
            // Not blocked: while the swapping refresh probed, cloned, linted and compiled, reads continued.
            Assert.Contains(history.Take(firstNew), r => r.At >= attemptStarted);
        }
    }
}
