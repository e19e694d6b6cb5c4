using System.Net.Http.Headers;
using System.Text.Json;
using CloudRuntimes.Configuration;
using CloudRuntimes.Host.AppChannel;

namespace CloudRuntimes.Host.Api;

/// <summary>Delivers configuration subscriptions' updates to the app, as Dapr does.</summary>
internal static class ConfigurationUpdates
{
    /// <summary>POSTs <c>{"id", "items"}</c> to <c>/configuration/{store}/{key}</c> once per changed key; a failed answer is logged.</summary>
    public static async Task SendAsync(AppClient app, string store, ConfigurationUpdate update, ILogger logger, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            id = update.SubscriptionId,
            items = ConfigurationEndpoints.ToJson(update.Items),
        });
        foreach (var key in update.Items.Keys)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await app.SendAsync(HttpMethod.Post, $"/configuration/{Uri.EscapeDataString(store)}/{Uri.EscapeDataString(key)}", content, null, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("app answered {Status} to the configuration update of {Store}/{Key}", (int)response.StatusCode, store, key);
            }
        }
    }
}
