namespace CloudRuntimes.Components;

/// <summary>
/// A loop running on the thread pool until disposed: the handle that input bindings, job runners and similar
/// components return. Disposing signals the loop's token and waits for the loop to end; disposing twice is harmless.
/// </summary>
public sealed class BackgroundLoop : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _disposed;

    private BackgroundLoop(Func<CancellationToken, Task> loop)
    {
        _loop = Task.Run(() => loop(_stop.Token), CancellationToken.None);
    }

    /// <summary>Starts a loop.</summary>
    /// <param name="loop">The loop; it should return when its token is signalled.</param>
    /// <returns>The handle that stops it.</returns>
    public static BackgroundLoop Start(Func<CancellationToken, Task> loop)
    {
        ArgumentNullException.ThrowIfNull(loop);
        return new BackgroundLoop(loop);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}

/// <summary>The loops a component started; disposing the component stops every loop still running.</summary>
public sealed class BackgroundLoopSet : IAsyncDisposable
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<BackgroundLoop, byte> _loops = new();

    /// <summary>Starts a loop and tracks it until the set is disposed.</summary>
    /// <param name="loop">The loop; it should return when its token is signalled.</param>
    /// <returns>The handle that stops this loop alone.</returns>
    public BackgroundLoop Start(Func<CancellationToken, Task> loop)
    {
        var started = BackgroundLoop.Start(loop);
        _loops[started] = 0;
        return started;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var loop in _loops.Keys)
        {
            await loop.DisposeAsync().ConfigureAwait(false);
        }
        _loops.Clear();
    }
}
