using CloudRuntimes.Components.Composition;
using CloudRuntimes.Components.Jobs;
using CloudRuntimes.Components.PubSub;
using CloudRuntimes.Components.State;
using CloudRuntimes.Database;
using CloudRuntimes.Jobs;
using CloudRuntimes.Lock;
using CloudRuntimes.PubSub;
using CloudRuntimes.State;
using Microsoft.Extensions.Logging;

namespace CloudRuntimes.Components.Sqlite;

/// <summary>Registration of the SQLite component types.</summary>
public static class SqliteComponentsExtensions
{
    /// <summary>
    /// Registers <c>state.sqlite</c>, <c>pubsub.sqlite</c>, <c>lock.sqlite</c>, <c>jobs.sqlite</c> and
    /// <c>database.sqlite</c>. Common metadata: <c>connectionString</c> (a file path or a Microsoft.Data.Sqlite
    /// connection string; default <c>{dataDirectory}/{componentName}.db</c>) and <c>synchronous</c> (SQLite's
    /// <c>PRAGMA synchronous</c>: <c>FULL</c> by default, so an acknowledged write survives a crash of the process
    /// or the machine; <c>NORMAL</c> survives a process crash only). <c>state.sqlite</c> also takes <c>tableName</c>
    /// (default <c>state</c>), <c>jobs.sqlite</c> <c>firingLease</c> (Go duration, default 60s: see
    /// <see cref="DurableJobScheduler"/>), <c>pubsub.sqlite</c> <c>concurrency</c> (see <see cref="TopicLogPubSub.For"/>),
    /// <c>database.sqlite</c> <c>statementTimeout</c> (Go duration, default 5s) and <c>maxResultBytes</c> (default 16 MiB);
    /// <c>database.sqlite</c> also offers the synchronous <see cref="ISqlPort"/> (the VTX plugins' <c>sql</c> import). The process's SQLite memory is reported as the gauge <c>cloudruntimes.sqlite.memory.used</c>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static CloudRuntimesBuilder AddSqliteComponents(this CloudRuntimesBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        SqliteTelemetry.Register();
        return builder
            .AddFactory(new StateStoreFactory())
            .AddFactory(new PubSubFactory())
            .AddFactory(new LockStoreFactory())
            .AddFactory(new JobSchedulerFactory())
            .AddFactory(new DatabaseFactory());
    }

    private sealed class StateStoreFactory : IComponentFactory<IStateStore>
    {
        public string Type => "state.sqlite";

        public IReadOnlyList<string> Capabilities(ComponentDefinition definition) => StateStoreBase.QueryableCapabilities;

        public ValueTask<IStateStore> CreateAsync(ComponentDefinition definition, ComponentContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IStateStore>(new SqliteStateStore(SqliteSession.For(definition, context), definition.Get("tableName") is { Length: > 0 } table ? table : "state", definition.Name));
    }

    private sealed class PubSubFactory : IComponentFactory<IPubSub>
    {
        public string Type => "pubsub.sqlite";

        public ValueTask<IPubSub> CreateAsync(ComponentDefinition definition, ComponentContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IPubSub>(TopicLogPubSub.For(definition, context, () => new SqliteTopicLog(SqliteSession.For(definition, context))));
    }

    private sealed class LockStoreFactory : IComponentFactory<ILockStore>
    {
        public string Type => "lock.sqlite";

        public ValueTask<ILockStore> CreateAsync(ComponentDefinition definition, ComponentContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult<ILockStore>(new SqliteLockStore(SqliteSession.For(definition, context), context.AppId, definition.Name));
    }

    private sealed class JobSchedulerFactory : IComponentFactory<IJobScheduler>
    {
        public string Type => "jobs.sqlite";

        public ValueTask<IJobScheduler> CreateAsync(ComponentDefinition definition, ComponentContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IJobScheduler>(new SqliteJobScheduler(SqliteSession.For(definition, context), definition.Name, context.LoggerFactory.CreateLogger<SqliteJobScheduler>(), definition.GetDuration("firingLease") ?? DurableJobScheduler.DefaultFiringLease));
    }

    private sealed class DatabaseFactory : IComponentFactory<IDatabase>
    {
        public string Type => "database.sqlite";

        public ValueTask<IDatabase> CreateAsync(ComponentDefinition definition, ComponentContext context, CancellationToken cancellationToken)
        {
            var file = SqliteFile.For(definition, context);
            var maxResultBytes = definition.GetInt32("maxResultBytes", (int)SqliteDatabase.DefaultMaxResultBytes);
            if (maxResultBytes < 1024)
            {
                throw definition.Invalid($"component '{definition.Name}' metadata 'maxResultBytes' must be at least 1024, got {maxResultBytes}");
            }
            try
            {
                return ValueTask.FromResult<IDatabase>(new SqliteDatabase(file, definition.Name, definition.GetDuration("statementTimeout") ?? SqliteDatabase.DefaultStatementTimeout, maxResultBytes));
            }
            catch (CloudRuntimesException e) when (e.InnerException is Microsoft.Data.Sqlite.SqliteException sqlite)
            {
                throw file.CannotOpen(definition, sqlite);
            }
        }
    }
}
