using CloudRuntimes.Components.Composition;
using CloudRuntimes.Components.PubSub;
using CloudRuntimes.Components.State;
using CloudRuntimes.Lock;
using CloudRuntimes.PubSub;
using CloudRuntimes.State;

namespace CloudRuntimes.Components.Redis;

/// <summary>Registration of the Redis component types.</summary>
public static class RedisComponentsExtensions
{
    /// <summary>
    /// Registers <c>state.redis</c> (ETags, transactions, TTL; metadata <c>keyPrefix</c>), <c>pubsub.redis</c>
    /// (Redis Streams with consumer groups, the subscribers of a group competing for messages; metadata <c>maxLenApprox</c>,
    /// <c>concurrency</c>, <c>processingTimeout</c> (default 60s: how long a message may stay pending on a consumer before
    /// another claims it)) and <c>lock.redis</c>. Connection
    /// metadata as Dapr: <c>redisHost</c> (required), <c>redisUsername</c>, <c>redisPassword</c>, <c>redisDB</c>,
    /// <c>enableTLS</c>, <c>dialTimeout</c>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static CloudRuntimesBuilder AddRedisComponents(this CloudRuntimesBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .AddFactory(new StateStoreFactory())
            .AddFactory(new PubSubFactory())
            .AddFactory(new LockStoreFactory());
    }

    private sealed class StateStoreFactory : IComponentFactory<IStateStore>
    {
        public string Type => "state.redis";

        public IReadOnlyList<string> Capabilities(ComponentDefinition definition) => StateStoreBase.Capabilities;

        public async ValueTask<IStateStore> CreateAsync(ComponentDefinition definition, ComponentContext context, CancellationToken cancellationToken)
        {
            var (connection, database) = await RedisConnection.ConnectAsync(definition).ConfigureAwait(false);
            return new RedisStateStore(connection, database, definition.Get("keyPrefix") is { Length: > 0 } prefix ? prefix : context.AppId, definition.Name);
        }
    }

    private sealed class PubSubFactory : IComponentFactory<IPubSub>
    {
        public string Type => "pubsub.redis";

        public async ValueTask<IPubSub> CreateAsync(ComponentDefinition definition, ComponentContext context, CancellationToken cancellationToken)
        {
            var maxLength = definition.GetInt32("maxLenApprox", 0);
            var processingTimeout = definition.GetDuration("processingTimeout") ?? TimeSpan.FromSeconds(60);
            var (connection, database) = await RedisConnection.ConnectAsync(definition).ConfigureAwait(false);
            try
            {
                return TopicLogPubSub.For(definition, context, () => new RedisStreamTopicLog(connection, database, context.AppId, maxLength > 0 ? maxLength : null, processingTimeout));
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    private sealed class LockStoreFactory : IComponentFactory<ILockStore>
    {
        public string Type => "lock.redis";

        public async ValueTask<ILockStore> CreateAsync(ComponentDefinition definition, ComponentContext context, CancellationToken cancellationToken)
        {
            var (connection, database) = await RedisConnection.ConnectAsync(definition).ConfigureAwait(false);
            return new RedisLockStore(connection, database, context.AppId, definition.Name);
        }
    }
}
