using Npgsql;

namespace CloudRuntimes.Components.PostgreSql;

/// <summary>Creates a component's tables once, at start, under a transaction-scoped advisory lock so that replicas starting together do not race.</summary>
internal static class PostgreSqlSchema
{
    /// <summary>The advisory lock key every Cloud Runtimes schema change takes (<c>hashtext('cloud-runtimes-schema')</c>).</summary>
    private const string LockKey = "cloud-runtimes-schema";

    /// <summary>Runs the statements in one transaction.</summary>
    /// <param name="source">The component's pool.</param>
    /// <param name="definition">The component, for the error message.</param>
    /// <param name="statements">DDL statements (<c>CREATE ... IF NOT EXISTS</c>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ResourceInvalid"/> naming the component: the server refused them (no privilege, say).</exception>
    public static async Task EnsureAsync(NpgsqlDataSource source, ComponentDefinition definition, IEnumerable<string> statements, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext($1))", connection, transaction) { Parameters = { new() { Value = LockKey } } })
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            foreach (var statement in statements)
            {
                await using var command = new NpgsqlCommand(statement, connection, transaction);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e)
        {
            throw definition.Invalid($"component '{definition.Name}' ({definition.Type}) cannot create its tables: {e.MessageText}", e);
        }
    }
}
