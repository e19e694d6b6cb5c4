using CloudRuntimes.Components.Composition;
using CloudRuntimes.Components.Sqlite;
using CloudRuntimes.Tests.Conformance;

namespace CloudRuntimes.Tests.Sqlite;

/// <summary><c>state.sqlite</c> against the state conformance suite (file in the builder's data directory).</summary>
public sealed class SqliteStateConformance : StateStoreConformance
{
    /// <inheritdoc />
    protected override string ComponentType => "state.sqlite";

    /// <inheritdoc />
    protected override void AddFactories(CloudRuntimesBuilder builder) => builder.AddSqliteComponents();
}

/// <summary><c>state.sqlite</c> against the state query suite.</summary>
public sealed class SqliteStateQueryConformance : StateQueryConformance
{
    /// <inheritdoc />
    protected override string ComponentType => "state.sqlite";

    /// <inheritdoc />
    protected override void AddFactories(CloudRuntimesBuilder builder) => builder.AddSqliteComponents();
}

/// <summary><c>pubsub.sqlite</c> against the pub/sub conformance suite.</summary>
public sealed class SqlitePubSubConformance : PubSubConformance
{
    /// <inheritdoc />
    protected override string ComponentType => "pubsub.sqlite";

    /// <inheritdoc />
    protected override void AddFactories(CloudRuntimesBuilder builder) => builder.AddSqliteComponents();
}

/// <summary><c>lock.sqlite</c> against the lock conformance suite.</summary>
public sealed class SqliteLockConformance : LockStoreConformance
{
    /// <inheritdoc />
    protected override string ComponentType => "lock.sqlite";

    /// <inheritdoc />
    protected override void AddFactories(CloudRuntimesBuilder builder) => builder.AddSqliteComponents();
}

/// <summary><c>jobs.sqlite</c> against the jobs conformance suite.</summary>
public sealed class SqliteJobsConformance : JobSchedulerConformance
{
    /// <inheritdoc />
    protected override string ComponentType => "jobs.sqlite";

    /// <inheritdoc />
    protected override void AddFactories(CloudRuntimesBuilder builder) => builder.AddSqliteComponents();
}

/// <summary><c>database.sqlite</c> against the database conformance suite.</summary>
public sealed class SqliteDatabaseConformance : DatabaseConformance
{
    /// <inheritdoc />
    protected override string ComponentType => "database.sqlite";

    /// <inheritdoc />
    protected override void AddFactories(CloudRuntimesBuilder builder) => builder.AddSqliteComponents();
}
