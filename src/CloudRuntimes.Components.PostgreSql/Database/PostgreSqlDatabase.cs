using System.Globalization;
using CloudRuntimes.Components.Composition;
using CloudRuntimes.Database;
using Npgsql;

namespace CloudRuntimes.Components.PostgreSql.Database;

/// <summary>
/// <c>database.postgresql</c>: the database API on PostgreSQL, under the same rules as <c>database.sqlite</c>, made the
/// PostgreSQL way. Every statement passes <see cref="PostgreSqlGuard"/> and is sent alone (an <see cref="NpgsqlBatch"/>
/// of one command, so the server refuses a second statement too) with its parameters bound by position (null, bool,
/// int, long, float, double, string, byte[]). Every session of the pool starts with <c>statement_timeout</c> set to
/// the statement deadline (metadata <c>statementTimeout</c>, Go duration, default 5s) and
/// <c>idle_in_transaction_session_timeout</c>, and is reset (<c>DISCARD ALL</c>) when it goes back to the pool. Query
/// results are counted while rows stream and the query is cancelled once they pass <c>maxResultBytes</c> (default
/// 16 MiB). Values come back as long (integers), double (real and numeric), bool, string (text and any other type, in
/// its text form), byte[] (<c>bytea</c>) or null. The component defines the domain <c>blob</c> (as <c>bytea</c>) in its
/// schema when missing, so tables written for SQLite's <c>BLOB</c> work unchanged.
/// </summary>
internal sealed class PostgreSqlDatabase : IDatabase, IAsyncDisposable
{
    private readonly NpgsqlDataSource _source;
    private readonly string _componentName;
    private readonly TimeSpan _statementTimeout;
    private readonly long _maxResultBytes;

    private PostgreSqlDatabase(NpgsqlDataSource source, string componentName, TimeSpan statementTimeout, long maxResultBytes)
    {
        _source = source;
        _componentName = componentName;
        _statementTimeout = statementTimeout;
        _maxResultBytes = maxResultBytes;
    }

    /// <summary>Opens the pool with the guard's session settings and defines <c>blob</c>.</summary>
    public static async Task<PostgreSqlDatabase> CreateAsync(ComponentDefinition definition, CancellationToken cancellationToken)
    {
        var statementTimeout = definition.GetDuration("statementTimeout") ?? TimeSpan.FromSeconds(5);
        var maxResultBytes = definition.GetInt32("maxResultBytes", 16 * 1024 * 1024);
        if (maxResultBytes < 1024)
        {
            throw definition.Invalid($"component '{definition.Name}' metadata 'maxResultBytes' must be at least 1024, got {maxResultBytes}");
        }
        var milliseconds = (long)Math.Ceiling(statementTimeout.TotalMilliseconds);
        var source = await PostgreSqlSource.OpenAsync(definition, builder =>
        {
            // Server-side session defaults: DISCARD ALL on return to the pool restores them, and SET is refused by the guard.
            builder.Options = string.Create(CultureInfo.InvariantCulture,
                $"{builder.Options} -c statement_timeout={milliseconds} -c idle_in_transaction_session_timeout={Math.Max(milliseconds * 4, 60_000)}").Trim();
            builder.NoResetOnClose = false;
            builder.MaxAutoPrepare = 0;
        }, cancellationToken).ConfigureAwait(false);
        try
        {
            await PostgreSqlSchema.EnsureAsync(source, definition,
                ["DO $$ BEGIN IF to_regtype('blob') IS NULL THEN CREATE DOMAIN blob AS bytea; END IF; END $$"], cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await source.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new PostgreSqlDatabase(source, definition.Name, statementTimeout, maxResultBytes);
    }

    /// <inheritdoc />
    public Task<long> ExecuteAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default) =>
        ComponentTelemetry.TraceAsync("database", "execute", _componentName, async () =>
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            return await RunExecuteAsync(connection, null, sql, parameters, cancellationToken).ConfigureAwait(false);
        });

    /// <inheritdoc />
    public Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> QueryAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default) =>
        ComponentTelemetry.TraceAsync("database", "query", _componentName, async () =>
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            return await RunQueryAsync(connection, null, sql, parameters, cancellationToken).ConfigureAwait(false);
        });

    /// <inheritdoc />
    public async Task<IDatabaseTransaction> BeginTransactionAsync(CancellationToken cancellationToken = default)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return new Transaction(this, connection, await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new CloudRuntimesException(CloudRuntimesErrors.Database, "cannot begin a transaction", e);
        }
    }

    public ValueTask DisposeAsync() => _source.DisposeAsync();

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.Database, "cannot connect to PostgreSQL", e);
        }
    }

    private async Task<long> RunExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, IReadOnlyList<object?>? parameters, CancellationToken cancellationToken)
    {
        await using var batch = Prepare(connection, transaction, sql, parameters);
        return await GuardedAsync(async () =>
        {
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (reader.FieldCount > 0)
            {
                throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, "Execute returned results - did you mean to call query?");
            }
            await reader.CloseAsync().ConfigureAwait(false);
            return (long)Math.Max(reader.RecordsAffected, 0);
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> RunQueryAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, IReadOnlyList<object?>? parameters, CancellationToken cancellationToken)
    {
        await using var batch = Prepare(connection, transaction, sql, parameters);
        return await GuardedAsync(async () =>
            await PostgreSqlRows.ReadAsync(await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false), _maxResultBytes, batch.Cancel, cancellationToken).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One guarded statement as a batch of one command, its parameters bound by position.</summary>
    private static NpgsqlBatch Prepare(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, IReadOnlyList<object?>? parameters)
    {
        parameters ??= [];
        var command = new NpgsqlBatchCommand(PostgreSqlGuard.Check(sql, parameters.Count));
        for (var i = 0; i < parameters.Count; i++)
        {
            command.Parameters.Add(new NpgsqlParameter
            {
                Value = parameters[i] switch
                {
                    null => DBNull.Value,
                    bool or int or long or float or double or string or byte[] => parameters[i],
                    var other => throw new CloudRuntimesException(CloudRuntimesErrors.Database, $"parameter {i + 1} has unsupported type {other.GetType().Name}; use null, bool, long, double, string or byte[]"),
                },
            });
        }
        var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(command);
        return batch;
    }

    /// <summary>Runs a statement, turning the server's refusals into the catalogue's errors (the deadline, a cancelled caller, privileges, the engine's message).</summary>
    private async Task<T> GuardedAsync<T>(Func<Task<T>> run, CancellationToken cancellationToken)
    {
        try
        {
            return await run().ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or PostgresException { SqlState: PostgresErrorCodes.QueryCanceled })
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.DatabaseTimeout,
                $"the statement was interrupted: it ran past its deadline ({_statementTimeout.TotalSeconds:0.###} s) or its caller stopped waiting", e);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.DatabaseForbidden, e.MessageText, e);
        }
        catch (PostgresException e)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.Database, e.MessageText, e);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidCastException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new CloudRuntimesException(CloudRuntimesErrors.Database, "the PostgreSQL client failed to run the statement", e);
        }
    }

    /// <summary>A transaction on a connection of its own; disposing it without a commit rolls back.</summary>
    private sealed class Transaction(PostgreSqlDatabase owner, NpgsqlConnection connection, NpgsqlTransaction transaction) : IDatabaseTransaction
    {
        private bool _finished;

        public Task<long> ExecuteAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default) =>
            owner.RunExecuteAsync(connection, Active(), sql, parameters, cancellationToken);

        public Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> QueryAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default) =>
            owner.RunQueryAsync(connection, Active(), sql, parameters, cancellationToken);

        public Task CommitAsync(CancellationToken cancellationToken = default) => FinishAsync(commit: true, cancellationToken);

        public Task RollbackAsync(CancellationToken cancellationToken = default) => FinishAsync(commit: false, cancellationToken);

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        private async Task FinishAsync(bool commit, CancellationToken cancellationToken)
        {
            var active = Active();
            _finished = true;
            try
            {
                await (commit ? active.CommitAsync(cancellationToken) : active.RollbackAsync(cancellationToken)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                throw new CloudRuntimesException(CloudRuntimesErrors.Database, $"{(commit ? "COMMIT" : "ROLLBACK")} failed", e);
            }
        }

        private NpgsqlTransaction Active() =>
            _finished ? throw new CloudRuntimesException(CloudRuntimesErrors.Database, "the transaction has already been committed or rolled back") : transaction;
    }
}
