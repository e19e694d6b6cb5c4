using System.Collections.Concurrent;

namespace CloudRuntimes.Components.Sqlite;

/// <summary>
/// Read-only connections to one SQLite file in WAL mode, opened on demand up to <see cref="Size"/>, so that reads run
/// beside each other and beside the session's writer instead of queuing behind it. In WAL mode a read sees every
/// transaction committed before it starts, so a write that has returned is visible to the next read.
/// </summary>
internal sealed class SqliteReaderPool : IDisposable
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentStack<PreparedConnection> _idle = new();

    public SqliteReaderPool(string connectionString)
    {
        _connectionString = connectionString;
        _slots = new SemaphoreSlim(Size, Size);
    }

    /// <summary>At most this many reads at once: the processor count, between 2 and 8.</summary>
    public static int Size { get; } = Math.Clamp(Environment.ProcessorCount, 2, 8);

    /// <summary>Runs <paramref name="work"/> on an idle reader, opening one when none is idle and fewer than <see cref="Size"/> are open.</summary>
    public async Task<T> RunAsync<T>(Func<PreparedConnection, T> work, CancellationToken cancellationToken)
    {
        if (!_slots.Wait(0, CancellationToken.None))
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        try
        {
            var reader = _idle.TryPop(out var idle) ? idle : Open();
            try
            {
                return work(reader);
            }
            finally
            {
                _idle.Push(reader);
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose()
    {
        while (_idle.TryPop(out var reader))
        {
            reader.Dispose();
        }
        _slots.Dispose();
    }

    private PreparedConnection Open() =>
        new(SqliteSession.OpenWith(_connectionString, $"PRAGMA busy_timeout={SqliteSession.BusyTimeoutMilliseconds}; PRAGMA query_only=1;"));
}
