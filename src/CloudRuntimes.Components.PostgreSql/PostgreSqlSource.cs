using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace CloudRuntimes.Components.PostgreSql;

/// <summary>
/// The PostgreSQL connection of a component, from Dapr's metadata: <c>connectionString</c> (required; an Npgsql or
/// libpq key/value connection string such as <c>host=db port=5432 username=app password=... database=app</c>) and
/// <c>timeout</c> (the longest an operation may take: a Go duration, or a number of seconds; default 20s). Connections
/// are pooled per component (an <see cref="NpgsqlDataSource"/>), and each one is reset when it goes back to the pool.
/// </summary>
internal static partial class PostgreSqlSource
{
    /// <summary>Dapr's default operation timeout: 20 s.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Opens the component's pool and checks that the server answers.</summary>
    /// <param name="definition">The component.</param>
    /// <param name="configure">Changes the connection string before the pool is made (e.g. server options of every session).</param>
    /// <param name="cancellationToken">Cancels connecting.</param>
    /// <returns>The pool; dispose it with the component.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ResourceInvalid"/> naming the component: no or a malformed connection string, a bad timeout, or no server.</exception>
    public static async Task<NpgsqlDataSource> OpenAsync(ComponentDefinition definition, Action<NpgsqlConnectionStringBuilder>? configure, CancellationToken cancellationToken)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(definition.Require("connectionString"));
        }
        catch (ArgumentException e)
        {
            throw definition.Invalid($"component '{definition.Name}' ({definition.Type}) metadata 'connectionString' is not a valid connection string: {e.Message}", e);
        }
        builder.CommandTimeout = (int)Math.Ceiling(Timeout(definition).TotalSeconds);
        builder.ApplicationName ??= "cloud-runtimes-" + definition.Name;
        configure?.Invoke(builder);
        var source = NpgsqlDataSource.Create(builder);
        try
        {
            await using var connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return source;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or ArgumentException)
        {
            await source.DisposeAsync().ConfigureAwait(false);
            throw definition.Invalid($"component '{definition.Name}' ({definition.Type}) cannot connect to PostgreSQL at {builder.Host}:{builder.Port} (database {builder.Database ?? builder.Username}): {e.Message}", e);
        }
    }

    /// <summary>The operation timeout (<c>timeout</c>: a Go duration or a number of seconds; default 20s).</summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ResourceInvalid"/>: not a positive duration.</exception>
    public static TimeSpan Timeout(ComponentDefinition definition) =>
        definition.Get("timeout") is { Length: > 0 } text && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? (seconds > 0 ? TimeSpan.FromSeconds(seconds) : throw definition.Invalid($"component '{definition.Name}' metadata 'timeout' must be positive, got {text}"))
            : definition.GetDuration("timeout") ?? DefaultTimeout;

    /// <summary>
    /// A table named in metadata (<paramref name="key"/>, default <paramref name="defaultName"/>), quoted for SQL: a plain
    /// identifier, or <c>schema.table</c>, each part letters, digits and underscores (it is spliced into SQL).
    /// </summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ResourceInvalid"/>: not such a name.</exception>
    public static string Table(ComponentDefinition definition, string key, string defaultName)
    {
        var name = definition.Get(key) is { Length: > 0 } given ? given : defaultName;
        return TableName().IsMatch(name)
            ? string.Join('.', name.Split('.').Select(part => '"' + part + '"'))
            : throw definition.Invalid($"component '{definition.Name}' metadata '{key}' must be a table name (letters, digits, underscore; optionally schema.table), got '{name}'");
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?$")]
    private static partial Regex TableName();
}
