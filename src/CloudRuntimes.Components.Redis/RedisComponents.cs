using CloudRuntimes.Components.Hosting;
using CloudRuntimes.Components.PubSub;
using CloudRuntimes.Components.State;
using Microsoft.Extensions.Logging;

namespace CloudRuntimes.Components.Redis;

/// <summary>Registration of the Redis component types.</summary>
public static class RedisComponentsExtensions
{
    /// <summary>
    /// Registers <c>state.redis</c> (ETags, transactions, TTL; metadata <c>keyPrefix</c>), <c>pubsub.redis</c>
    /// (Redis Streams with consumer groups; metadata <c>maxLenApprox</c>, <c>concurrency</c>) and <c>lock.redis</c>. Connection
    /// metadata as Dapr: <c>redisHost</c> (required), <c>redisUsername</c>, <c>redisPassword</c>, <c>redisDB</c>,
    /// <c>enableTLS</c>, <c>dialTimeout</c>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static CloudRuntimesBuilder AddRedisComponents(this CloudRuntimesBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddFactory(new ComponentFactory()
            .Add("state.redis", (d, c) =>
            {
                var (connection, database) = RedisConnection.Connect(d);
                return new RedisStateStore(connection, database, d.Get("keyPrefix") is { Length: > 0 } prefix ? prefix : c.AppId, d.Name);
            }, StateStoreBase.Capabilities)
            .Add("pubsub.redis", (d, c) =>
            {
                var maxLength = d.GetInt32("maxLenApprox", 0);
                return TopicLogPubSub.For(d, c, () =>
                {
                    var (connection, database) = RedisConnection.Connect(d);
                    return new RedisStreamTopicLog(connection, database, c.AppId, maxLength > 0 ? maxLength : null);
                });
            })
            .Add("lock.redis", (d, c) =>
            {
                var (connection, database) = RedisConnection.Connect(d);
                return new RedisLockStore(connection, database, c.AppId, d.Name);
            }));
    }
}
