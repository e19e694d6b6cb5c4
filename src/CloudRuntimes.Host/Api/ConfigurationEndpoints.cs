using System.Text.Json.Nodes;
using CloudRuntimes.Configuration;
using CloudRuntimes.Host.AppChannel;
using CloudRuntimes.Host.Blocks;

namespace CloudRuntimes.Host.Api;

/// <summary>Dapr configuration API: get, subscribe (changes POSTed to the app at <c>/configuration/{store}/{key}</c>), unsubscribe.</summary>
internal static class ConfigurationEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        foreach (var prefix in new[] { "/v1.0", "/v1.0-alpha1" })
        {
            routes.MapGet(prefix + "/configuration/{store}", GetAsync);
            routes.MapGet(prefix + "/configuration/{store}/subscribe", SubscribeAsync);
            routes.MapGet(prefix + "/configuration/{store}/{id}/unsubscribe", UnsubscribeAsync);
        }
    }

    public static JsonObject ToJson(IReadOnlyDictionary<string, ConfigurationItem> items)
    {
        var json = new JsonObject();
        foreach (var (key, item) in items.OrderBy(i => i.Key, StringComparer.Ordinal))
        {
            var metadata = new JsonObject();
            foreach (var (name, value) in item.Metadata)
            {
                metadata[name] = value;
            }
            json[key] = new JsonObject { ["value"] = item.Value, ["version"] = item.Version, ["metadata"] = metadata };
        }
        return json;
    }

    private static List<string> Keys(HttpRequest request) => [.. request.Query["key"].Where(k => !string.IsNullOrEmpty(k)).Select(k => k!)];

    private static async Task<IResult> GetAsync(string store, HttpRequest request, ConfigurationService configuration, CancellationToken cancellationToken)
    {
        var items = await configuration.GetAsync(store, Keys(request), RequestMetadata.From(request), cancellationToken);
        return items.Count == 0 ? Results.NoContent() : ApiJson.Result(ToJson(items));
    }

    private static async Task<IResult> SubscribeAsync(string store, HttpRequest request, ICloudRuntimesComponents components, ConfigurationService configuration, AppClient app, IAppChannel channel, CancellationToken cancellationToken)
    {
        _ = components.GetConfigurationStore(store);
        if (!app.Configured)
        {
            return ApiErrors.Result(CloudRuntimesErrors.AppChannelNil, "app channel not initialized: start the runtime with --app-port to receive configuration updates");
        }
        var id = await configuration.SubscribeAsync(store, Keys(request), RequestMetadata.From(request), (update, token) => ConfigurationUpdates.SendAsync(channel, store, update, token), cancellationToken);
        return ApiJson.Result(new JsonObject { ["id"] = id });
    }

    private static async Task<IResult> UnsubscribeAsync(string store, string id, ConfigurationService configuration, CancellationToken cancellationToken) =>
        await configuration.UnsubscribeAsync(store, id, cancellationToken)
            ? ApiJson.Result(new JsonObject { ["ok"] = true })
            : ApiJson.Result(new JsonObject { ["ok"] = false, ["message"] = $"subscription {id} not found" }, statusCode: 500);
}
