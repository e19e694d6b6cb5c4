using CloudRuntimes.Components.Composition;
using CloudRuntimes.Components.PostgreSql.Database;
using CloudRuntimes.Components.PostgreSql.Jobs;
using CloudRuntimes.Components.PostgreSql.Lock;
using CloudRuntimes.Components.PostgreSql.State;
using CloudRuntimes.Components.State;
using CloudRuntimes.Database;
using CloudRuntimes.Jobs;
using CloudRuntimes.Lock;
using CloudRuntimes.State;
using Microsoft.Extensions.Logging;

namespace CloudRuntimes.Components.PostgreSql;

/// <summary>Registration of the PostgreSQL component types.</summary>
public static class PostgreSqlComponentsExtensions
{
    /// <summary>
    /// Registers <c>state.postgresql</c> (ETags, transactions, TTL, the query API over <c>jsonb</c>; metadata
    /// <c>tableName</c> (default <c>state</c>), <c>metadataTableName</c> (default <c>dapr_metadata</c>),
    /// <c>cleanupInterval</c> (default 1h)), <c>lock.postgresql</c> (<c>tableName</c>, default <c>locks</c>),
    /// <c>jobs.postgresql</c> (<c>tableName</c>, default <c>jobs</c>; <c>firingLease</c>, default 60s) and
    /// <c>database.postgresql</c> (<c>statementTimeout</c>, default 5s; <c>maxResultBytes</c>, default 16 MiB). Every type
    /// takes Dapr's connection metadata: <c>connectionString</c> (required) and <c>timeout</c> (default 20s). Tables are
    /// created when missing.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static CloudRuntimesBuilder AddPostgreSqlComponents(this CloudRuntimesBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .AddFactory(new StateStoreFactory())
            .AddFactory(new LockStoreFactory())
            .AddFactory(new JobSchedulerFactory())
            .AddFactory(new DatabaseFactory());
    }

    /// <summary>Opens the pool of a component and builds it; the pool is released when building fails.</summary>
    private static async ValueTask<T> BuildAsync<T>(ComponentDefinition definition, Func<Npgsql.NpgsqlDataSource, Task<T>> create, CancellationToken cancellationToken)
    {
        var source = await PostgreSqlSource.OpenAsync(definition, builder => builder.MaxAutoPrepare = 32, cancellationToken).ConfigureAwait(false);
        try
        {
            return await create(source).ConfigureAwait(false);
        }
        catch
        {
            await source.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private sealed class StateStoreFactory : IComponentFactory<IStateStore>
    {
        public string Type => "state.postgresql";

        public IReadOnlyList<string> Capabilities(ComponentDefinition definition) => StateStoreBase.QueryableCapabilities;

        public ValueTask<IStateStore> CreateAsync(ComponentDefinition definition, ComponentContext context, CancellationToken cancellationToken) =>
            BuildAsync<IStateStore>(definition, async source => await PostgreSqlStateStore.CreateAsync(source, definition, cancellationToken).ConfigureAwait(false), cancellationToken);
    }

    private sealed class LockStoreFactory : IComponentFactory<ILockStore>
    {
        public string Type => "lock.postgresql";

        public ValueTask<ILockStore> CreateAsync(ComponentDefinition definition, ComponentContext context, CancellationToken cancellationToken) =>
            BuildAsync<ILockStore>(definition, async source => await PostgreSqlLockStore.CreateAsync(source, definition, context.AppId, cancellationToken).ConfigureAwait(false), cancellationToken);
    }

    private sealed class JobSchedulerFactory : IComponentFactory<IJobScheduler>
    {
        public string Type => "jobs.postgresql";

        public ValueTask<IJobScheduler> CreateAsync(ComponentDefinition definition, ComponentContext context, CancellationToken cancellationToken) =>
            BuildAsync<IJobScheduler>(definition, async source =>
                await PostgreSqlJobScheduler.CreateAsync(source, definition, context.LoggerFactory.CreateLogger<PostgreSqlJobScheduler>(), cancellationToken).ConfigureAwait(false), cancellationToken);
    }

    private sealed class DatabaseFactory : IComponentFactory<IDatabase>
    {
        public string Type => "database.postgresql";

        public async ValueTask<IDatabase> CreateAsync(ComponentDefinition definition, ComponentContext context, CancellationToken cancellationToken) =>
            await PostgreSqlDatabase.CreateAsync(definition, cancellationToken).ConfigureAwait(false);
    }
}
