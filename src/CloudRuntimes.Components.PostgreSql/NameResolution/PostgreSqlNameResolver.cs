using CloudRuntimes.Components.NameResolution;
using Npgsql;

namespace CloudRuntimes.Components.PostgreSql.NameResolution;

/// <summary>
/// <c>postgresql</c> name resolution (ours; the PostgreSQL connection metadata of the PostgreSQL components,
/// <c>connectionString</c> and <c>timeout</c>, plus <c>tableName</c>, default <c>hosts</c>, and <c>updateInterval</c>, default
/// 5s): one row per runtime (<c>registration_id</c>, <c>app_id</c>, <c>address</c>, <c>expires_at</c>), its lapse judged by
/// the database server's clock so runtimes on different machines agree. Rows lapsed for an hour are deleted as runtimes renew.
/// </summary>
public sealed class PostgreSqlNameResolver : INameResolver
{
    private readonly NpgsqlDataSource _source;
    private readonly string _register;
    private readonly string _unregister;
    private readonly string _resolve;

    private PostgreSqlNameResolver(NpgsqlDataSource source, string table, TimeSpan updateInterval)
    {
        _source = source;
        UpdateInterval = updateInterval;
        _register = $"WITH lapsed AS (DELETE FROM {table} WHERE expires_at < clock_timestamp() - interval '1 hour') "
            + $"INSERT INTO {table} (registration_id, app_id, address, expires_at) VALUES ($1, $2, $3, clock_timestamp() + $4 * interval '1 millisecond') "
            + "ON CONFLICT (registration_id) DO UPDATE SET app_id = excluded.app_id, address = excluded.address, expires_at = excluded.expires_at";
        _unregister = $"DELETE FROM {table} WHERE registration_id = $1";
        _resolve = $"SELECT DISTINCT address FROM {table} WHERE app_id = $1 AND expires_at > clock_timestamp()";
    }

    /// <inheritdoc />
    public TimeSpan UpdateInterval { get; }

    /// <summary>Connects the resolver and creates its table when missing.</summary>
    /// <param name="definition">The resolver's definition (type <c>nameresolution.postgresql</c>).</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <returns>The resolver.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ResourceInvalid"/> naming the configuration file: a bad setting or no server.</exception>
    public static async Task<PostgreSqlNameResolver> OpenAsync(ComponentDefinition definition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var table = PostgreSqlSource.Table(definition, "tableName", "hosts");
        var interval = NameResolverSettings.UpdateInterval(definition);
        var source = await PostgreSqlSource.OpenAsync(definition, null, cancellationToken).ConfigureAwait(false);
        try
        {
            await PostgreSqlSchema.EnsureAsync(source, definition, [
                $"CREATE TABLE IF NOT EXISTS {table} (registration_id text PRIMARY KEY, app_id text NOT NULL, address text NOT NULL, expires_at timestamptz NOT NULL)",
                $"CREATE INDEX IF NOT EXISTS {table.Split('.')[^1].Trim('"')}_app_id ON {table} (app_id)",
            ], cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await source.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new PostgreSqlNameResolver(source, table, interval);
    }

    /// <inheritdoc />
    public async Task RegisterAsync(NameRegistration registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        await using var command = _source.CreateCommand(_register);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = registration.Id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = registration.AppId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = registration.Address.ToString() });
        command.Parameters.Add(new NpgsqlParameter<double> { TypedValue = NameResolverSettings.Lifetime(UpdateInterval).TotalMilliseconds });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task UnregisterAsync(NameRegistration registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        await using var command = _source.CreateCommand(_unregister);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = registration.Id });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Uri>> ResolveAsync(string appId, CancellationToken cancellationToken)
    {
        await using var command = _source.CreateCommand(_resolve);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = appId });
        var addresses = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            addresses.Add(reader.GetString(0));
        }
        return NameResolverSettings.Addresses(addresses);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _source.DisposeAsync();
}
