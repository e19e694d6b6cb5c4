using StackExchange.Redis;

namespace CloudRuntimes.Components.Redis;

/// <summary>
/// Connects a Redis component from Dapr's metadata: <c>redisHost</c> (required, <c>host:port</c>),
/// <c>redisUsername</c>, <c>redisPassword</c>, <c>redisDB</c> (default 0), <c>enableTLS</c> (default false),
/// <c>dialTimeout</c> (Go duration, default 5s).
/// </summary>
internal static class RedisConnection
{
    public static async Task<(ConnectionMultiplexer Connection, IDatabase Database)> ConnectAsync(ComponentDefinition definition)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { definition.Require("redisHost") },
            User = definition.Get("redisUsername") is { Length: > 0 } user ? user : null,
            Password = definition.Get("redisPassword") is { Length: > 0 } password ? password : null,
            Ssl = definition.GetBoolean("enableTLS", false),
            ConnectTimeout = (int)(definition.GetDuration("dialTimeout") ?? TimeSpan.FromSeconds(5)).TotalMilliseconds,
            AbortOnConnectFail = true,
            ClientName = "cloud-runtimes-" + definition.Name,
        };
        try
        {
            var connection = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
            return (connection, connection.GetDatabase(definition.GetInt32("redisDB", 0)));
        }
        catch (RedisException e)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.ResourceInvalid, $"{definition.SourceFile}{(definition.SourceFile is null ? "" : ": ")}component '{definition.Name}' ({definition.Type}) cannot connect to Redis at {definition.Get("redisHost")}: {e.Message}", e);
        }
    }
}
