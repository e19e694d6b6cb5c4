using CloudRuntimes.Components.NameResolution;
using Microsoft.Data.Sqlite;

namespace CloudRuntimes.Components.Sqlite;

/// <summary>
/// <c>sqlite</c> name resolution (Dapr's metadata names): the runtimes of one machine share a SQLite file
/// (<c>connectionString</c>, a path) holding one row per runtime (<c>registration_id</c>, <c>app_id</c>, <c>address</c>,
/// <c>last_update</c> in Unix milliseconds) in <c>tableName</c> (default <c>hosts</c>). <c>updateInterval</c> (default 5s)
/// is how often a runtime renews its row; <c>timeout</c> (default 1s) how long a statement waits for a busy database;
/// rows older than <c>cleanupInterval</c> (default 1h) are deleted. The file is for one machine: not on a network share.
/// </summary>
public sealed class SqliteNameResolver : INameResolver
{
    private readonly string _connectionString;
    private readonly string _table;
    private readonly TimeSpan _cleanupAfter;

    private SqliteNameResolver(string connectionString, string table, TimeSpan updateInterval, TimeSpan cleanupAfter)
    {
        _connectionString = connectionString;
        _table = table;
        UpdateInterval = updateInterval;
        _cleanupAfter = cleanupAfter;
    }

    /// <inheritdoc />
    public TimeSpan UpdateInterval { get; }

    /// <summary>Opens the resolver on its file, creating the table when missing.</summary>
    /// <param name="definition">The resolver's definition (type <c>nameresolution.sqlite</c>).</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <returns>The resolver.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ResourceInvalid"/> naming the configuration file: a missing or bad setting, or a file that cannot be opened.</exception>
    public static async Task<SqliteNameResolver> OpenAsync(ComponentDefinition definition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var path = definition.Get("connectionString");
        if (string.IsNullOrWhiteSpace(path))
        {
            throw definition.Invalid("spec.nameResolution.configuration.connectionString is required for sqlite: the path of the SQLite file the runtimes share");
        }
        var table = definition.Get("tableName") ?? "hosts";
        if (!System.Text.RegularExpressions.Regex.IsMatch(table, "^[A-Za-z_][A-Za-z0-9_]{0,62}$"))
        {
            throw definition.Invalid($"spec.nameResolution.configuration.tableName '{table}' must be a plain identifier (letters, digits, _)");
        }
        var timeout = definition.GetDuration("timeout") ?? TimeSpan.FromSeconds(1);
        var builder = new SqliteConnectionStringBuilder { DataSource = path, DefaultTimeout = Math.Max(1, (int)timeout.TotalSeconds), Pooling = true };
        var resolver = new SqliteNameResolver(builder.ToString(), table, NameResolverSettings.UpdateInterval(definition), definition.GetDuration("cleanupInterval") ?? TimeSpan.FromHours(1));
        try
        {
            await resolver.RunAsync(
                $"PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS {table} (registration_id TEXT NOT NULL PRIMARY KEY, app_id TEXT NOT NULL, address TEXT NOT NULL, last_update INTEGER NOT NULL); "
                + $"CREATE INDEX IF NOT EXISTS {table}_app_id ON {table} (app_id)", [], cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException e)
        {
            throw definition.Invalid($"name resolution database '{path}' cannot be opened: {e.Message}", e);
        }
        return resolver;
    }

    /// <inheritdoc />
    public Task RegisterAsync(NameRegistration registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return RunAsync(
            $"INSERT INTO {_table} (registration_id, app_id, address, last_update) VALUES ($id, $app, $address, $now) "
            + "ON CONFLICT (registration_id) DO UPDATE SET app_id = excluded.app_id, address = excluded.address, last_update = excluded.last_update; "
            + $"DELETE FROM {_table} WHERE last_update < $stale",
            [("$id", registration.Id), ("$app", registration.AppId), ("$address", registration.Address.ToString()), ("$now", now), ("$stale", now - (long)_cleanupAfter.TotalMilliseconds)],
            cancellationToken);
    }

    /// <inheritdoc />
    public Task UnregisterAsync(NameRegistration registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        return RunAsync($"DELETE FROM {_table} WHERE registration_id = $id", [("$id", registration.Id)], cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Uri>> ResolveAsync(string appId, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT DISTINCT address FROM {_table} WHERE app_id = $app AND last_update > $live ORDER BY address";
        command.Parameters.AddWithValue("$app", appId);
        command.Parameters.AddWithValue("$live", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (long)NameResolverSettings.Lifetime(UpdateInterval).TotalMilliseconds);
        var addresses = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            addresses.Add(reader.GetString(0));
        }
        return NameResolverSettings.Addresses(addresses);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task RunAsync(string sql, IReadOnlyList<(string Name, object Value)> parameters, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
