using Npgsql;

namespace CloudRuntimes.Components.PostgreSql.State;

/// <summary>
/// Deletes a state table's expired rows every interval (Dapr's <c>cleanupInterval</c>). Replicas sharing the table take
/// turns: a replica cleans only when it moves the table's last-cleanup time in the metadata table forward by a full
/// interval, so the deletion runs once per interval across them.
/// </summary>
internal sealed class StateCleanup : IAsyncDisposable
{
    private readonly BackgroundLoop _loop;

    private StateCleanup(NpgsqlDataSource source, string table, string metadataTable, TimeSpan interval)
    {
        var claim = $"INSERT INTO {metadataTable} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE {metadataTable}.value::bigint <= $3";
        var delete = $"DELETE FROM {table} WHERE expires_at <= now()";
        _loop = BackgroundLoop.Start(async token =>
        {
            while (!token.IsCancellationRequested)
            {
                await Task.Delay(interval, token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (token.IsCancellationRequested)
                {
                    return;
                }
                try
                {
                    var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                    await using var command = source.CreateCommand(claim);
                    command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "last-cleanup-" + table });
                    command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = now.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                    command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = now - (long)interval.TotalMilliseconds + 1000 });
                    if (await command.ExecuteNonQueryAsync(token).ConfigureAwait(false) == 1)
                    {
                        await using var deletion = source.CreateCommand(delete);
                        await deletion.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException)
                {
                    // The next interval tries again; expired rows are never read meanwhile.
                }
            }
        });
    }

    /// <summary>Starts the loop.</summary>
    public static StateCleanup Start(NpgsqlDataSource source, string table, string metadataTable, TimeSpan interval) => new(source, table, metadataTable, interval);

    public ValueTask DisposeAsync() => _loop.DisposeAsync();
}
