using CloudRuntimes.Components.Sqlite;
using Microsoft.Data.Sqlite;

namespace CloudRuntimes.Tests.Sqlite;

/// <summary>
/// Reads of a SQLite session on a real file: they run on pooled readers beside a write transaction in progress (WAL),
/// see only committed data, and see a committed write at once; an in-memory database reads through its one connection.
/// </summary>
public sealed class SqliteSessionTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "cr-session-" + Guid.NewGuid().ToString("N"));

    public SqliteSessionTests() => Directory.CreateDirectory(_folder);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private static string ReadValue(SqliteSession session) =>
        session.ReadAsync(sql => (string?)sql.Scalar("SELECT v FROM t WHERE k = $p0", "a") ?? "none", TestContext.Current.CancellationToken).Result;

    [Fact]
    public async Task Read_runs_beside_an_open_write_transaction_and_sees_only_committed_data()
    {
        using var session = new SqliteSession(new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder, "s.db") }.ToString(), "FULL");
        session.Execute("CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)");
        await session.InTransactionAsync(sql => sql.Execute("INSERT INTO t VALUES ($p0, $p1)", "a", "committed"), TestContext.Current.CancellationToken);
        using var written = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();

        var transaction = Task.Run(() => session.InTransactionAsync(sql =>
        {
            sql.Execute("UPDATE t SET v = $p1 WHERE k = $p0", "a", "uncommitted");
            written.Set();
            release.Wait(TimeSpan.FromSeconds(30));
            return true;
        }, CancellationToken.None));
        Assert.True(written.Wait(TimeSpan.FromSeconds(30)), "the write transaction should have started");

        // The writer holds the session and the file's write lock; a read must neither wait for it nor see its change.
        var during = await Task.Run(() => ReadValue(session)).WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        release.Set();
        await transaction;

        Assert.Equal("committed", during);
        Assert.Equal("uncommitted", ReadValue(session));
    }

    [Fact]
    public async Task Reader_refuses_to_write()
    {
        using var session = new SqliteSession(new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder, "q.db") }.ToString(), "FULL");
        session.Execute("CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)");

        var refused = await Assert.ThrowsAsync<SqliteException>(() => session.ReadAsync(sql => sql.Execute("INSERT INTO t VALUES ($p0, $p1)", "a", "b"), TestContext.Current.CancellationToken));

        Assert.Contains("readonly", refused.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("none", ReadValue(session));
    }

    [Fact]
    public async Task In_memory_database_reads_what_its_writer_wrote()
    {
        using var session = new SqliteSession("Data Source=:memory:", "FULL");
        session.Execute("CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)");
        await session.InTransactionAsync(sql => sql.Execute("INSERT INTO t VALUES ($p0, $p1)", "a", "memory"), TestContext.Current.CancellationToken);

        Assert.Equal("memory", ReadValue(session));
    }
}
