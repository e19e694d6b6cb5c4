using System.Text.Json.Nodes;
using CloudRuntimes.Configuration;
using CloudRuntimes.Host.AppChannel;

namespace CloudRuntimes.Host.Api;

/// <summary>Delivers the updates of configuration subscriptions made over the HTTP API to the app, as Dapr does.</summary>
internal static class ConfigurationUpdates
{
    /// <summary>Sends <c>{"id", "items"}</c> once per changed key (over HTTP to <c>/configuration/{store}/{key}</c>); a failed answer is logged.</summary>
    public static async Task SendAsync(IAppChannel channel, string store, ConfigurationUpdate update, CancellationToken cancellationToken)
    {
        var body = ApiJson.Bytes(new JsonObject
        {
            ["id"] = update.SubscriptionId,
            ["items"] = ConfigurationEndpoints.ToJson(update.Items),
        });
        foreach (var key in update.Items.Keys)
        {
            await channel.NotifyConfigurationAsync(store, key, body, cancellationToken);
        }
    }
}
