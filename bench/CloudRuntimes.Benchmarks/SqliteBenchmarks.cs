using System.Text;
using BenchmarkDotNet.Attributes;
using CloudRuntimes.Components;
using CloudRuntimes.Components.Composition;
using CloudRuntimes.Components.Sqlite;
using CloudRuntimes.Lock;
using CloudRuntimes.PubSub;
using CloudRuntimes.State;
using Microsoft.Data.Sqlite;

namespace CloudRuntimes.Benchmarks;

/// <summary>
/// SQLite components against direct Microsoft.Data.Sqlite calls on a file with the same pragmas (WAL,
/// synchronous FULL): state get/save/bulk get of 10 keys, publish + deliver, lock + unlock.
/// </summary>
[BenchmarkCategory("sqlite")]
public class SqliteBenchmarks
{
    private static readonly byte[] Value = Encoding.UTF8.GetBytes("{\"total\":42,\"items\":[1,2,3]}");
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cr-bench-" + Guid.NewGuid().ToString("N"));
    private readonly string[] _keys = [.. Enumerable.Range(0, 10).Select(i => $"key-{i}")];
    private CloudRuntimesComponents _components = null!;
    private IStateStore _state = null!;
    private IPubSub _pubsub = null!;
    private ILockStore _locks = null!;
    private IAsyncDisposable _subscription = null!;
    private TaskCompletionSource _delivered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SqliteConnection _raw = null!;
    private SqliteCommand _rawGet = null!;
    private SqliteCommand _rawSave = null!;
    private SqliteCommand _rawLock = null!;
    private SqliteCommand _rawUnlock = null!;
    private SqliteCommand _rawPublish = null!;
    private SqliteCommand _rawReceive = null!;
    private SqliteCommand _rawAcknowledge = null!;

    /// <summary>Builds the components and the raw connection, with every key present.</summary>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        var builder = new CloudRuntimesBuilder("bench", _directory).AddSqliteComponents();
        builder.AddComponent("state", "state.sqlite").AddComponent("pubsub", "pubsub.sqlite").AddComponent("locks", "lock.sqlite");
        _components = await builder.BuildAsync();
        _state = _components.GetStateStore("state");
        _pubsub = _components.GetPubSub("pubsub");
        _locks = _components.GetLockStore("locks");
        await _state.SaveAsync([.. _keys.Select(k => new SaveStateItem(k, Value))]);
        _subscription = await _pubsub.SubscribeAsync(new TopicSubscription("bench"), (_, _) => { _delivered.TrySetResult(); return Task.FromResult(DeliveryStatus.Success); });

        _raw = new SqliteConnection($"Data Source={Path.Combine(_directory, "raw.db")}");
        _raw.Open();
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;");
        Execute("CREATE TABLE state (key TEXT PRIMARY KEY, value BLOB NOT NULL, etag TEXT NOT NULL, expires_at INTEGER NULL)");
        Execute("CREATE TABLE locks (resource TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at INTEGER NOT NULL)");
        Execute("CREATE TABLE messages (seq INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, data BLOB NOT NULL)");
        _rawGet = Command("SELECT value, etag, expires_at FROM state WHERE key = $k", "$k");
        _rawSave = Command("INSERT INTO state (key, value, etag) VALUES ($k, $v, $e) ON CONFLICT(key) DO UPDATE SET value = excluded.value, etag = excluded.etag", "$k", "$v", "$e");
        _rawLock = Command("INSERT INTO locks (resource, owner, expires_at) VALUES ($r, $o, $x) ON CONFLICT(resource) DO NOTHING", "$r", "$o", "$x");
        _rawUnlock = Command("DELETE FROM locks WHERE resource = $r AND owner = $o", "$r", "$o");
        _rawPublish = Command("INSERT INTO messages (topic, data) VALUES ($t, $d)", "$t", "$d");
        _rawReceive = Command("SELECT seq, data FROM messages WHERE topic = $t ORDER BY seq LIMIT 1", "$t");
        _rawAcknowledge = Command("DELETE FROM messages WHERE seq = $s", "$s");
        foreach (var key in _keys)
        {
            RawSave(key);
        }
    }

    /// <summary>Releases everything.</summary>
    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _subscription.DisposeAsync();
        await _components.DisposeAsync();
        _raw.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Raw: one SELECT by key, reading the value, ETag and expiry.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("state get")]
    public object? RawGet() => RawRead(_keys[0]);

    /// <summary>Component: <c>GetAsync</c>.</summary>
    [Benchmark, BenchmarkCategory("state get")]
    public Task<StateItem?> ComponentGet() => _state.GetAsync(_keys[0]);

    /// <summary>Raw: one upsert in its own (implicit) transaction.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("state save")]
    public int RawSaveOne() => RawSave(_keys[0]);

    /// <summary>Component: <c>SaveAsync</c> of one item, last-write.</summary>
    [Benchmark, BenchmarkCategory("state save")]
    public Task ComponentSave() => _state.SaveAsync([new SaveStateItem(_keys[0], Value)]);

    /// <summary>Raw: ten SELECTs.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("state bulk get 10")]
    public int RawBulkGet() => _keys.Count(k => RawRead(k) is not null);

    /// <summary>Component: <c>GetBulkAsync</c> of ten keys.</summary>
    [Benchmark, BenchmarkCategory("state bulk get 10")]
    public Task<IReadOnlyList<BulkStateItem>> ComponentBulkGet() => _state.GetBulkAsync(_keys);

    /// <summary>Raw: insert a message, read the oldest, delete it.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("publish + deliver")]
    public long RawPublishDeliver()
    {
        _rawPublish.Parameters[0].Value = "bench";
        _rawPublish.Parameters[1].Value = Value;
        _rawPublish.ExecuteNonQuery();
        _rawReceive.Parameters[0].Value = "bench";
        long seq;
        using (var reader = _rawReceive.ExecuteReader())
        {
            reader.Read();
            seq = reader.GetInt64(0);
        }
        _rawAcknowledge.Parameters[0].Value = seq;
        _rawAcknowledge.ExecuteNonQuery();
        return seq;
    }

    /// <summary>Component: publish, then wait until the subscriber's handler has run (lease, deliver, acknowledge).</summary>
    [Benchmark, BenchmarkCategory("publish + deliver")]
    public async Task ComponentPublishDeliver()
    {
        _delivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _pubsub.PublishAsync(new PublishRequest("bench", Value));
        await _delivered.Task;
    }

    /// <summary>Raw: insert the lock row, delete it.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("lock + unlock")]
    public int RawLockUnlock()
    {
        _rawLock.Parameters[0].Value = "resource";
        _rawLock.Parameters[1].Value = "owner";
        _rawLock.Parameters[2].Value = DateTimeOffset.UtcNow.AddSeconds(30).ToUnixTimeMilliseconds();
        _rawLock.ExecuteNonQuery();
        _rawUnlock.Parameters[0].Value = "resource";
        _rawUnlock.Parameters[1].Value = "owner";
        return _rawUnlock.ExecuteNonQuery();
    }

    /// <summary>Component: <c>TryLockAsync</c> then <c>UnlockAsync</c>.</summary>
    [Benchmark, BenchmarkCategory("lock + unlock")]
    public async Task<UnlockStatus> ComponentLockUnlock()
    {
        await _locks.TryLockAsync(new TryLockRequest("resource", "owner", 30));
        return await _locks.UnlockAsync(new UnlockRequest("resource", "owner"));
    }

    // What a state get must return: the value, its ETag and its expiry (for ttlExpireTime).
    private (byte[] Value, string ETag, long? ExpiresAt)? RawRead(string key)
    {
        _rawGet.Parameters[0].Value = key;
        using var reader = _rawGet.ExecuteReader();
        return reader.Read() ? ((byte[])reader.GetValue(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetInt64(2)) : null;
    }

    private int RawSave(string key)
    {
        _rawSave.Parameters[0].Value = key;
        _rawSave.Parameters[1].Value = Value;
        _rawSave.Parameters[2].Value = Guid.NewGuid().ToString("N");
        return _rawSave.ExecuteNonQuery();
    }

    private void Execute(string sql)
    {
        using var command = _raw.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, params string[] parameters)
    {
        var command = _raw.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter(name, null));
        }
        return command;
    }
}
