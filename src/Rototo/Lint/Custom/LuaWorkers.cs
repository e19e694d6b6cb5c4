using System.Collections.Concurrent;
using System.Diagnostics;

namespace Rototo.Lint.Custom;

/// <summary>
/// Dedicated background threads that run Lua passes, one per processor, so that lint can run passes in parallel and
/// never waits longer than the outer timeout (§10.1) for one. A pass still running after the timeout is abandoned:
/// its VM is cancelled (<see cref="LuaVm.Cancel"/>, which stops it at its next limit check, within a bounded call),
/// a new thread takes its place at once, and the old thread ends when the cancelled pass has unwound. Dedicated
/// threads keep blocked waits off the .NET thread pool.
/// </summary>
internal static class LuaWorkers
{
    private static readonly BlockingCollection<LuaJob> Queue = [];

    /// <summary>Worker threads serving the queue: one per processor, at least 2.</summary>
    public static int Count { get; } = Math.Max(2, Environment.ProcessorCount);

    static LuaWorkers()
    {
        for (var i = 0; i < Count; i++)
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

    /// <summary>Called when a running job was abandoned: its thread ends after the job, so another one joins now.</summary>
    internal static void ReplaceAbandonedWorker() => StartWorker();

    private static void StartWorker() =>
        new Thread(() =>
        {
            foreach (var job in Queue.GetConsumingEnumerable())
            {
                if (!job.Run())
                {
                    return; // abandoned: a replacement thread already serves the queue
                }
            }
        })
        { IsBackground = true, Name = "rototo-lua-lint" }.Start();
}

/// <summary>A Lua pass queued on <see cref="LuaWorkers"/>.</summary>
internal abstract class LuaJob
{
    private const int Running = 0;
    private const int Finished = 1;
    private const int Abandoned = 2;

    [ThreadStatic]
    private static LuaJob? t_current;

    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private long _startedAt;
    private int _state = Running;
    private LuaVm? _vm;

    /// <summary>The job running on this thread, if any: a <see cref="LuaVm"/> created by it attaches itself.</summary>
    public static LuaJob? Current => t_current;

    /// <summary>Runs the job on the current worker thread; false when it was abandoned while it ran.</summary>
    public bool Run()
    {
        Volatile.Write(ref _startedAt, Stopwatch.GetTimestamp());
        t_current = this;
        try
        {
            Execute();
        }
        finally
        {
            t_current = null;
        }
        var abandoned = Interlocked.CompareExchange(ref _state, Finished, Running) == Abandoned;
        _done.SetResult();
        return !abandoned;
    }

    /// <summary>Records the VM the job runs in, so that abandoning the job cancels it.</summary>
    public void Attach(LuaVm vm)
    {
        lock (_gate)
        {
            _vm = vm;
            if (Volatile.Read(ref _state) == Abandoned)
            {
                vm.Cancel();
            }
        }
    }

    protected abstract void Execute();

    /// <summary>
    /// Waits until the job finished, or until it has run for <paramref name="timeout"/> (time in the queue does not
    /// count); true when it finished. A job that runs out of time is abandoned: its VM is cancelled and its thread replaced.
    /// </summary>
    protected bool WaitFinished(TimeSpan timeout)
    {
        while (!_done.Task.Wait(TimeSpan.FromMilliseconds(100)))
        {
            var started = Volatile.Read(ref _startedAt);
            if (started != 0 && Stopwatch.GetElapsedTime(started) > timeout
                && Interlocked.CompareExchange(ref _state, Abandoned, Running) == Running)
            {
                lock (_gate)
                {
                    _vm?.Cancel();
                }
                LuaWorkers.ReplaceAbandonedWorker();
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
