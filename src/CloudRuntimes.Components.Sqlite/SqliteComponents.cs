using CloudRuntimes.Components.Hosting;
using CloudRuntimes.Components.PubSub;
using CloudRuntimes.Components.State;
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
    /// (default <c>state</c>), <c>pubsub.sqlite</c> <c>concurrency</c> (see <see cref="TopicLogPubSub.For"/>). The process's SQLite memory is reported as the gauge <c>cloudruntimes.sqlite.memory.used</c>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static CloudRuntimesBuilder AddSqliteComponents(this CloudRuntimesBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        SqliteTelemetry.Register();
        return builder.AddFactory(new ComponentFactory()
            .Add("state.sqlite", (d, c) => new SqliteStateStore(SqliteSession.For(d, c), d.Get("tableName") is { Length: > 0 } table ? table : "state", d.Name), StateStoreBase.QueryableCapabilities)
            .Add("pubsub.sqlite", (d, c) => TopicLogPubSub.For(d, c, () => new SqliteTopicLog(SqliteSession.For(d, c))))
            .Add("lock.sqlite", (d, c) => new SqliteLockStore(SqliteSession.For(d, c), c.AppId, d.Name))
            .Add("jobs.sqlite", (d, c) => new SqliteJobScheduler(SqliteSession.For(d, c), d.Name, c.LoggerFactory.CreateLogger<SqliteJobScheduler>()))
            .Add("database.sqlite", (d, c) => new SqliteDatabase(SqliteSession.For(d, c), d.Name)));
    }

    /// <summary>
    /// The SQLite file behind a <c>database.sqlite</c> component, so that another SQLite client (the VTX plugin host)
    /// can work on the same database; null when <paramref name="database"/> is not one.
    /// </summary>
    /// <param name="database">A database component.</param>
    /// <returns>The absolute file path, or null.</returns>
    public static string? SqliteFilePathOf(this CloudRuntimes.Database.IDatabase database) => (database as SqliteDatabase)?.FilePath;
}
