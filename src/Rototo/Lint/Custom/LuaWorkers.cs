using System.Collections.Concurrent;
using System.Diagnostics;

namespace Rototo.Lint.Custom;

/// <summary>
/// Dedicated background threads that run Lua passes, one per processor, so that lint can run passes in parallel and
/// never waits longer than the outer timeout (§10.1) for one: a pass still running after the timeout is abandoned on
/// its thread (Lua cannot be interrupted inside a long C call) and a new thread takes that thread's place. Dedicated
/// threads keep blocked waits off the .NET thread pool.
/// </summary>
internal static class LuaWorkers
{
    private static readonly BlockingCollection<LuaJob> Queue = [];

    static LuaWorkers()
    {
        for (var i = 0; i < Math.Max(2, Environment.ProcessorCount); i++)
        {
            StartWorker();
        }
    }

    /// <summary>Queues a pass; wait for it with <see cref="LuaJob{T}.Wait"/>.</summary>
    public static LuaJob<T> Start<T>(Func<T> work)
    {
        var job = new LuaJob<T>(work);
        Queue.Add(job);
        return job;
    }

    /// <summary>Called when a running job timed out: its thread is lost, so another one joins.</summary>
    internal static void ReplaceStuckWorker() => StartWorker();

    private static void StartWorker() =>
        new Thread(() =>
        {
            foreach (var job in Queue.GetConsumingEnumerable())
            {
                job.Run();
            }
        })
        { IsBackground = true, Name = "rototo-lua-lint" }.Start();
}

/// <summary>A Lua pass queued on <see cref="LuaWorkers"/>.</summary>
internal abstract class LuaJob
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _startedAt;

    /// <summary>Runs the job on the current worker thread.</summary>
    public void Run()
    {
        Volatile.Write(ref _startedAt, Stopwatch.GetTimestamp());
        Execute();
        _done.SetResult();
    }

    protected abstract void Execute();

    /// <summary>Waits until the job finished, or until it has run for <paramref name="timeout"/> (time in the queue does not count); true when it finished.</summary>
    protected bool WaitFinished(TimeSpan timeout)
    {
        while (!_done.Task.Wait(TimeSpan.FromMilliseconds(100)))
        {
            var started = Volatile.Read(ref _startedAt);
            if (started != 0 && Stopwatch.GetElapsedTime(started) > timeout)
            {
                LuaWorkers.ReplaceStuckWorker();
                return false;
            }
        }
        return true;
    }
}

/// <summary>A Lua pass with a result.</summary>
/// <typeparam name="T">The pass's result.</typeparam>
internal sealed class LuaJob<T>(Func<T> work) : LuaJob
{
    private T? _result;
    private Exception? _error;

    protected override void Execute()
    {
        try
        {
            _result = work();
        }
#pragma warning disable CA1031 // A failure of one pass is reported as its diagnostic, never thrown on a worker thread.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _error = e;
        }
    }

    /// <summary>The result, or null after <paramref name="timeout"/> of running.</summary>
    /// <exception cref="InvalidOperationException">The pass threw (a host bug, not a script error).</exception>
    public T? Wait(TimeSpan timeout)
    {
        if (!WaitFinished(timeout))
        {
            return default;
        }
        return _error is null ? _result : throw new InvalidOperationException(_error.Message, _error);
    }
}
