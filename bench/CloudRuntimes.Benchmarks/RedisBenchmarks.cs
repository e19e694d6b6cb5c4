using System.Text;
using BenchmarkDotNet.Attributes;
using CloudRuntimes.Components;
using CloudRuntimes.Components.Composition;
using CloudRuntimes.Components.Redis;
using CloudRuntimes.Lock;
using CloudRuntimes.PubSub;
using CloudRuntimes.State;
using StackExchange.Redis;

namespace CloudRuntimes.Benchmarks;

/// <summary>
/// Redis components against direct StackExchange.Redis calls on the same server (<c>CR_BENCH_REDIS</c>):
/// state get/save/bulk get of 10 keys (hashes of the same shape), publish + deliver (XADD, XREADGROUP, XACK),
/// lock + unlock (SET NX PX, the owner-checked delete script), and a control (the raw get measured twice) that shows
/// the run's noise floor. Without <c>CR_BENCH_REDIS</c> every benchmark returns at once.
/// </summary>
[BenchmarkCategory("redis")]
public class RedisBenchmarks
{
    private static readonly byte[] Value = Encoding.UTF8.GetBytes("{\"total\":42,\"items\":[1,2,3]}");
    private static readonly RedisValue[] Fields = ["data", "etag", "exp"];

    // The compare-and-delete unlock that Redis's distributed-lock pattern prescribes (only the owner may unlock).
    private const string RawUnlockScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";
    private readonly string[] _keys = [.. Enumerable.Range(0, 10).Select(i => $"key-{i}")];
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private CloudRuntimesComponents? _components;
    private IStateStore _state = null!;
    private IPubSub _pubsub = null!;
    private ILockStore _locks = null!;
    private IAsyncDisposable _subscription = null!;
    private TaskCompletionSource _delivered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ConnectionMultiplexer _connection = null!;
    private IDatabase _raw = null!;

    /// <summary>Connects the components and the raw client, with every key present.</summary>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        if (Environment.GetEnvironmentVariable("CR_BENCH_REDIS") is not { Length: > 0 } host)
        {
            Console.WriteLine("CR_BENCH_REDIS is not set (e.g. 127.0.0.1:6379): Redis benchmarks measure nothing");
            return;
        }
        var metadata = new Dictionary<string, string> { ["redisHost"] = host };
        var builder = new CloudRuntimesBuilder("bench-" + _run).AddRedisComponents();
        builder.AddComponent("state", "state.redis", metadata).AddComponent("pubsub", "pubsub.redis", metadata).AddComponent("locks", "lock.redis", metadata);
        _components = await builder.BuildAsync();
        _state = _components.GetStateStore("state");
        _pubsub = _components.GetPubSub("pubsub");
        _locks = _components.GetLockStore("locks");
        await _state.SaveAsync([.. _keys.Select(k => new SaveStateItem(k, Value))]);
        _subscription = await _pubsub.SubscribeAsync(new TopicSubscription($"{_run}-bench"), (_, _) => { _delivered.TrySetResult(); return Task.FromResult(DeliveryStatus.Success); });

        _connection = await ConnectionMultiplexer.ConnectAsync(host);
        _raw = _connection.GetDatabase();
        await _raw.StreamCreateConsumerGroupAsync($"{_run}-raw", "raw", StreamPosition.Beginning, createStream: true);
        foreach (var key in _keys)
        {
            await RawSave(key);
        }
    }

    /// <summary>Releases everything.</summary>
    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_components is null)
        {
            return;
        }
        await _subscription.DisposeAsync();
        await _components.DisposeAsync();
        await _connection.DisposeAsync();
    }

    /// <summary>Raw: HMGET data, etag, exp (the value, its ETag and its expiry, as a state get returns them).</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("state get")]
    public Task RawGet() => _components is null ? Task.CompletedTask : _raw.HashGetAsync($"{_run}-{_keys[0]}", Fields);

    /// <summary>Component: <c>GetAsync</c>.</summary>
    [Benchmark, BenchmarkCategory("state get")]
    public Task ComponentGet() => _components is null ? Task.CompletedTask : _state.GetAsync(_keys[0]);

    /// <summary>
    /// Control: the raw call again, measured as if it were a candidate. Its ratio to the baseline is what this machine
    /// reports for no difference at all, the noise floor for reading the other Redis ratios.
    /// </summary>
    [Benchmark, BenchmarkCategory("state get")]
    public Task RawGetControl() => RawGet();

    /// <summary>Raw: MULTI, HSET data/etag/exp, PERSIST, EXEC.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("state save")]
    public Task RawSaveOne() => _components is null ? Task.CompletedTask : RawSave(_keys[0]);

    /// <summary>Component: <c>SaveAsync</c> of one item, last-write.</summary>
    [Benchmark, BenchmarkCategory("state save")]
    public Task ComponentSave() => _components is null ? Task.CompletedTask : _state.SaveAsync([new SaveStateItem(_keys[0], Value)]);

    /// <summary>Raw: ten pipelined HMGETs.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("state bulk get 10")]
    public Task RawBulkGet() => _components is null ? Task.CompletedTask : Task.WhenAll(_keys.Select(k => _raw.HashGetAsync($"{_run}-{k}", Fields)));

    /// <summary>Component: <c>GetBulkAsync</c> of ten keys.</summary>
    [Benchmark, BenchmarkCategory("state bulk get 10")]
    public Task ComponentBulkGet() => _components is null ? Task.CompletedTask : _state.GetBulkAsync(_keys);

    /// <summary>Raw: XADD, XREADGROUP of one entry, XACK.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("publish + deliver")]
    public async Task RawPublishDeliver()
    {
        if (_components is null)
        {
            return;
        }
        await _raw.StreamAddAsync($"{_run}-raw", "data", Value);
        var entries = await _raw.StreamReadGroupAsync($"{_run}-raw", "raw", "consumer", ">", count: 1);
        await _raw.StreamAcknowledgeAsync($"{_run}-raw", "raw", entries[0].Id);
    }

    /// <summary>Component: publish, then wait until the subscriber's handler has run (lease, deliver, acknowledge).</summary>
    [Benchmark, BenchmarkCategory("publish + deliver")]
    public async Task ComponentPublishDeliver()
    {
        if (_components is null)
        {
            return;
        }
        _delivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _pubsub.PublishAsync(new PublishRequest($"{_run}-bench", Value));
        await _delivered.Task;
    }

    /// <summary>Raw: SET NX PX, then the owner-checked delete script.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("lock + unlock")]
    public async Task RawLockUnlock()
    {
        if (_components is null)
        {
            return;
        }
        await _raw.StringSetAsync($"{_run}-lock", "owner", TimeSpan.FromSeconds(30), When.NotExists);
        await _raw.ScriptEvaluateAsync(RawUnlockScript, [$"{_run}-lock"], ["owner"]);
    }

    /// <summary>Component: <c>TryLockAsync</c> then <c>UnlockAsync</c> (owner-checked Lua).</summary>
    [Benchmark, BenchmarkCategory("lock + unlock")]
    public async Task ComponentLockUnlock()
    {
        if (_components is null)
        {
            return;
        }
        await _locks.TryLockAsync(new TryLockRequest("resource", "owner", 30));
        await _locks.UnlockAsync(new UnlockRequest("resource", "owner"));
    }

    // What a state save must do: write the value, a new ETag and the expiry, and clear an earlier TTL, atomically.
    private Task<bool> RawSave(string key)
    {
        var transaction = _raw.CreateTransaction();
        _ = transaction.HashSetAsync($"{_run}-{key}", [new HashEntry("data", Value), new HashEntry("etag", Guid.NewGuid().ToString("N")), new HashEntry("exp", 0)]);
        _ = transaction.KeyPersistAsync($"{_run}-{key}");
        return transaction.ExecuteAsync();
    }
}
