using CloudRuntimes.Components.State;
using CloudRuntimes.State;
using StackExchange.Redis;

namespace CloudRuntimes.Components.Redis;

/// <summary>
/// <c>state.redis</c>: each key is a Redis hash <c>{keyPrefix}||{key}</c> with fields <c>data</c>, <c>etag</c> and
/// <c>exp</c> (expiry, Unix milliseconds) plus a native Redis expiry, so Redis itself removes expired items.
/// Writes are optimistic MULTI/EXEC transactions conditioned on the ETags read (or on absence), retried when
/// another writer got in between; a transaction is therefore all-or-nothing. <c>keyPrefix</c> metadata: the app
/// id by default (as Dapr), <c>none</c> for no prefix, anything else as the prefix.
/// </summary>
internal sealed partial class RedisStateStore : StateStoreBase, IDisposable
{
    private const int MaxAttempts = 20;
    private static readonly RedisValue[] Fields = ["data", "etag", "exp"];
    private readonly ConnectionMultiplexer _connection;
    private readonly IDatabase _database;
    private readonly string _prefix;

    public RedisStateStore(ConnectionMultiplexer connection, IDatabase database, string? keyPrefix, string componentName)
        : base(componentName)
    {
        _connection = connection;
        _database = database;
        _prefix = keyPrefix == "none" ? "" : keyPrefix + "||";
    }

    protected override async Task<IReadOnlyDictionary<string, StoredState>> ReadAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        await ReadAsync(_database, keys).ConfigureAwait(false);

    /// <summary>
    /// Asks Redis for every value's length first (<c>HSTRLEN</c>, pipelined) and reads the values only when they fit, as
    /// a pipelined read holds every reply in memory before any can be counted.
    /// </summary>
    protected override async Task<IReadOnlyDictionary<string, StoredState>> ReadBoundedAsync(IReadOnlyList<string> keys, StateReadBudget budget, CancellationToken cancellationToken)
    {
        var lengths = await Task.WhenAll(keys.Select(k => _database.HashStringLengthAsync(Key(k), Fields[0]))).ConfigureAwait(false);
        foreach (var length in lengths)
        {
            budget.Add(length);
        }
        return await ReadAsync(_database, keys).ConfigureAwait(false);
    }

    protected override async Task<StoredState?> ReadOneAsync(string key, CancellationToken cancellationToken) =>
        ToState(await _database.HashGetAsync(Key(key), Fields).ConfigureAwait(false));

    protected override async Task WriteAsync(IReadOnlyList<string> keys, Func<IReadOnlyDictionary<string, StoredState>, IReadOnlyList<StateChange>> decide, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // A write that depends on no stored record (no ETag, no first-write) reads nothing and guards nothing.
            var current = keys.Count == 0 ? NothingRead : await ReadAsync(_database, keys).ConfigureAwait(false);
            var changes = decide(current);
            var transaction = _database.CreateTransaction();
            foreach (var key in keys)
            {
                transaction.AddCondition(current.TryGetValue(key, out var state) ? Condition.HashEqual(Key(key), "etag", state.ETag) : Condition.KeyNotExists(Key(key)));
            }
            foreach (var change in changes)
            {
                RedisKey key = Key(change.Key);
                if (change.State is not { } state)
                {
                    _ = transaction.KeyDeleteAsync(key);
                    continue;
                }
                _ = transaction.HashSetAsync(key, [
                    new HashEntry("data", state.Value),
                    new HashEntry("etag", state.ETag),
                    new HashEntry("exp", state.ExpiresAt?.ToUnixTimeMilliseconds() ?? 0),
                ]);
                _ = state.ExpiresAt is { } expiry ? transaction.KeyExpireAsync(key, expiry.UtcDateTime) : transaction.KeyPersistAsync(key);
            }
            if (await transaction.ExecuteAsync().ConfigureAwait(false))
            {
                return;
            }
            if (attempt == MaxAttempts)
            {
                throw new CloudRuntimesException(CloudRuntimesErrors.StateSave, $"state store {ComponentName}: keys {string.Join(", ", keys)} kept changing under concurrent writers; gave up after {MaxAttempts} attempts");
            }
        }
    }

    /// <summary>
    /// Keys in the order of Redis's <c>SCAN</c> (<c>MATCH {keyPrefix}||{prefix}*</c>), a page of at most <paramref name="limit"/>:
    /// the token holds the scan cursor and the keys a scan step found beyond the page, so none is skipped.
    /// </summary>
    protected override async Task<StateKeyPage> ListKeysCoreAsync(string prefix, int limit, string? continuationToken, CancellationToken cancellationToken)
    {
        var (cursor, keys) = continuationToken is null ? (0L, []) : ScanToken.Read(continuationToken, ComponentName);
        var pattern = Glob().Replace(_prefix + prefix, @"\$0") + "*";
        var scanning = continuationToken is null || cursor != 0;
        while (scanning && keys.Count < limit)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var step = (RedisResult[])(await _database.ExecuteAsync("SCAN", cursor, "MATCH", pattern, "COUNT", Math.Max(limit, 16)).ConfigureAwait(false))!;
            cursor = long.Parse(step[0].ToString(), System.Globalization.CultureInfo.InvariantCulture);
            keys.AddRange(((RedisResult[])step[1]!).Select(k => k.ToString()[_prefix.Length..]));
            scanning = cursor != 0;
        }
        return keys.Count > limit || scanning
            ? new StateKeyPage(keys[..Math.Min(limit, keys.Count)], ScanToken.Write(cursor, keys[Math.Min(limit, keys.Count)..]))
            : new StateKeyPage(keys, null);
    }

    public void Dispose() => _connection.Dispose();

    [System.Text.RegularExpressions.GeneratedRegex(@"[\\*?\[\]]")]
    private static partial System.Text.RegularExpressions.Regex Glob();

    /// <summary>The continuation token of a Redis key listing: the <c>SCAN</c> cursor and the keys found past the last page (base64url JSON).</summary>
    internal sealed record ScanToken(long Cursor, List<string> Keys)
    {
        public static string Write(long cursor, List<string> keys) =>
            System.Buffers.Text.Base64Url.EncodeToString(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new ScanToken(cursor, keys), RedisJson.Default.ScanToken));

        public static (long Cursor, List<string> Keys) Read(string token, string componentName)
        {
            try
            {
                var read = System.Text.Json.JsonSerializer.Deserialize(System.Buffers.Text.Base64Url.DecodeFromChars(token), RedisJson.Default.ScanToken);
                return read is { Keys: not null } ? (read.Cursor, read.Keys) : throw new FormatException("empty token");
            }
            catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
            {
                throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"state store {componentName}: continuationToken '{token}' was not given by this store");
            }
        }
    }

    private string Key(string key) => _prefix + key;

    private async Task<Dictionary<string, StoredState>> ReadAsync(IDatabaseAsync database, IReadOnlyList<string> keys)
    {
        var reads = keys.Select(k => database.HashGetAsync(Key(k), Fields)).ToList();
        var values = await Task.WhenAll(reads).ConfigureAwait(false);
        var result = new Dictionary<string, StoredState>(keys.Count, StringComparer.Ordinal);
        for (var i = 0; i < keys.Count; i++)
        {
            if (ToState(values[i]) is { } state)
            {
                result[keys[i]] = state;
            }
        }
        return result;
    }

    /// <summary>The record in the hash fields <c>data</c>, <c>etag</c>, <c>exp</c>; null when the hash is absent.</summary>
    private static StoredState? ToState(RedisValue[] fields)
    {
        if (fields[1].IsNull)
        {
            return null;
        }
        var expiry = (long)fields[2];
        return new StoredState((byte[])fields[0]!, fields[1].ToString(), expiry > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(expiry) : null);
    }
}
