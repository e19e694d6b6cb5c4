using CloudRuntimes.Components.NameResolution;
using StackExchange.Redis;

namespace CloudRuntimes.Components.Redis;

/// <summary>
/// <c>redis</c> name resolution (ours; the Redis connection metadata of the Redis components, <c>redisHost</c> and the
/// rest, plus <c>updateInterval</c>, default 5s): each app id is a sorted set <c>cloud-runtimes:names:{appId}</c> whose
/// members are runtime addresses scored with the time their registration lapses, judged by the Redis server's clock
/// (<c>TIME</c>) so runtimes on different machines agree. Lapsed members are removed as runtimes renew.
/// </summary>
public sealed class RedisNameResolver : INameResolver
{
    private const string KeyPrefix = "cloud-runtimes:names:";

    private const string RegisterScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
        redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
        return 1
        """;

    private const string ResolveScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')
        """;

    private readonly ConnectionMultiplexer _connection;
    private readonly IDatabase _database;

    private RedisNameResolver(ConnectionMultiplexer connection, IDatabase database, TimeSpan updateInterval)
    {
        _connection = connection;
        _database = database;
        UpdateInterval = updateInterval;
    }

    /// <inheritdoc />
    public TimeSpan UpdateInterval { get; }

    /// <summary>Connects the resolver.</summary>
    /// <param name="definition">The resolver's definition (type <c>nameresolution.redis</c>).</param>
    /// <returns>The resolver.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ResourceInvalid"/> naming the configuration file: a bad setting or no Redis.</exception>
    public static async Task<RedisNameResolver> OpenAsync(ComponentDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var interval = NameResolverSettings.UpdateInterval(definition);
        var (connection, database) = await RedisConnection.ConnectAsync(definition).ConfigureAwait(false);
        return new RedisNameResolver(connection, database, interval);
    }

    /// <inheritdoc />
    public Task RegisterAsync(NameRegistration registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        return _database.ScriptEvaluateAsync(RegisterScript, [KeyPrefix + registration.AppId],
            [registration.Address.ToString(), (long)NameResolverSettings.Lifetime(UpdateInterval).TotalMilliseconds]);
    }

    /// <inheritdoc />
    public Task UnregisterAsync(NameRegistration registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        return _database.SortedSetRemoveAsync(KeyPrefix + registration.AppId, registration.Address.ToString());
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Uri>> ResolveAsync(string appId, CancellationToken cancellationToken)
    {
        var members = (RedisResult[])(await _database.ScriptEvaluateAsync(ResolveScript, [KeyPrefix + appId]).ConfigureAwait(false))!;
        return NameResolverSettings.Addresses(members.Select(m => m.ToString()));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _connection.DisposeAsync().ConfigureAwait(false);
}
