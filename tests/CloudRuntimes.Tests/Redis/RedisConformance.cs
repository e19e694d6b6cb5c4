using CloudRuntimes.Components.Composition;
using CloudRuntimes.Components.Redis;
using CloudRuntimes.Tests.Conformance;
using CloudRuntimes.Tests.Support;

namespace CloudRuntimes.Tests.Redis;

/// <summary><c>state.redis</c> against the state conformance suite, on a real redis-server.</summary>
public sealed class RedisStateConformance(RedisServer redis) : StateStoreConformance, IClassFixture<RedisServer>
{
    /// <inheritdoc />
    protected override string ComponentType => "state.redis";

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string> Metadata => redis.Metadata;

    /// <inheritdoc />
    protected override string? SkipReason => redis.SkipReason;

    /// <inheritdoc />
    protected override void AddFactories(CloudRuntimesBuilder builder) => builder.AddRedisComponents();
}

/// <summary><c>pubsub.redis</c> (Redis Streams) against the pub/sub conformance suite, on a real redis-server.</summary>
public sealed class RedisPubSubConformance(RedisServer redis) : PubSubConformance, IClassFixture<RedisServer>
{
    /// <inheritdoc />
    protected override string ComponentType => "pubsub.redis";

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string> Metadata => redis.Metadata;

    /// <inheritdoc />
    protected override string? SkipReason => redis.SkipReason;

    /// <inheritdoc />
    protected override void AddFactories(CloudRuntimesBuilder builder) => builder.AddRedisComponents();
}

/// <summary><c>lock.redis</c> against the lock conformance suite, on a real redis-server.</summary>
public sealed class RedisLockConformance(RedisServer redis) : LockStoreConformance, IClassFixture<RedisServer>
{
    /// <inheritdoc />
    protected override string ComponentType => "lock.redis";

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string> Metadata => redis.Metadata;

    /// <inheritdoc />
    protected override string? SkipReason => redis.SkipReason;

    /// <inheritdoc />
    protected override void AddFactories(CloudRuntimesBuilder builder) => builder.AddRedisComponents();
}
