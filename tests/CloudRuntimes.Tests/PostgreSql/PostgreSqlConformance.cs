using CloudRuntimes.Components.Composition;
using CloudRuntimes.Components.PostgreSql;
using CloudRuntimes.Tests.Conformance;
using CloudRuntimes.Tests.Support;

namespace CloudRuntimes.Tests.PostgreSql;

/// <summary><c>state.postgresql</c> against the state conformance suite, on a real PostgreSQL, in a schema of its own.</summary>
public sealed class PostgreSqlStateConformance(PostgresServer postgres) : StateStoreConformance
{
    private readonly Lazy<IReadOnlyDictionary<string, string>> _metadata = new(postgres.NewSchemaMetadata);

    /// <inheritdoc />
    protected override string ComponentType => "state.postgresql";

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string> Metadata => _metadata.Value;

    /// <inheritdoc />
    protected override string? SkipReason => postgres.SkipReason;

    /// <inheritdoc />
    protected override void AddFactories(CloudRuntimesBuilder builder) => builder.AddPostgreSqlComponents();
}

/// <summary><c>state.postgresql</c> against the state query suite (the query runs in PostgreSQL over <c>jsonb</c>).</summary>
public sealed class PostgreSqlStateQueryConformance(PostgresServer postgres) : StateQueryConformance
{
    private readonly Lazy<IReadOnlyDictionary<string, string>> _metadata = new(postgres.NewSchemaMetadata);

    /// <inheritdoc />
    protected override string ComponentType => "state.postgresql";

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string> Metadata => _metadata.Value;

    /// <inheritdoc />
    protected override string? SkipReason => postgres.SkipReason;

    /// <inheritdoc />
    protected override void AddFactories(CloudRuntimesBuilder builder) => builder.AddPostgreSqlComponents();
}

/// <summary><c>lock.postgresql</c> against the lock conformance suite.</summary>
public sealed class PostgreSqlLockConformance(PostgresServer postgres) : LockStoreConformance
{
    private readonly Lazy<IReadOnlyDictionary<string, string>> _metadata = new(postgres.NewSchemaMetadata);

    /// <inheritdoc />
    protected override string ComponentType => "lock.postgresql";

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string> Metadata => _metadata.Value;

    /// <inheritdoc />
    protected override string? SkipReason => postgres.SkipReason;

    /// <inheritdoc />
    protected override void AddFactories(CloudRuntimesBuilder builder) => builder.AddPostgreSqlComponents();
}

/// <summary><c>jobs.postgresql</c> against the jobs conformance suite.</summary>
public sealed class PostgreSqlJobsConformance(PostgresServer postgres) : JobSchedulerConformance
{
    private readonly Lazy<IReadOnlyDictionary<string, string>> _metadata = new(postgres.NewSchemaMetadata);

    /// <inheritdoc />
    protected override string ComponentType => "jobs.postgresql";

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string> Metadata => _metadata.Value;

    /// <inheritdoc />
    protected override string? SkipReason => postgres.SkipReason;

    /// <inheritdoc />
    protected override void AddFactories(CloudRuntimesBuilder builder) => builder.AddPostgreSqlComponents();
}

/// <summary><c>database.postgresql</c> against the database conformance suite (SQLite-style <c>?</c> placeholders and <c>BLOB</c> columns included).</summary>
public sealed class PostgreSqlDatabaseConformance(PostgresServer postgres) : DatabaseConformance
{
    private readonly Lazy<IReadOnlyDictionary<string, string>> _metadata = new(postgres.NewSchemaMetadata);

    /// <inheritdoc />
    protected override string ComponentType => "database.postgresql";

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string> Metadata => _metadata.Value;

    /// <inheritdoc />
    protected override string? SkipReason => postgres.SkipReason;

    /// <inheritdoc />
    protected override void AddFactories(CloudRuntimesBuilder builder) => builder.AddPostgreSqlComponents();
}
