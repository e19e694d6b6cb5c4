using System.Text.Json.Nodes;

namespace CloudRuntimes.Host.Api;

/// <summary>Dapr secrets API: <c>/v1.0/secrets/{store}/{name}</c> and <c>/bulk</c>.</summary>
internal static class SecretsEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1.0/secrets/{store}/bulk", async (string store, HttpRequest request, ICloudRuntimesComponents components, CancellationToken cancellationToken) =>
        {
            var secrets = await components.GetSecretStore(store).GetBulkAsync(RequestMetadata.From(request), cancellationToken);
            var json = new JsonObject();
            foreach (var (name, values) in secrets)
            {
                json[name] = ToJson(values);
            }
            return Results.Json(json);
        });
        routes.MapGet("/v1.0/secrets/{store}/{**name}", async (string store, string name, HttpRequest request, ICloudRuntimesComponents components, CancellationToken cancellationToken) =>
        {
            var secret = await components.GetSecretStore(store).GetAsync(name, RequestMetadata.From(request), cancellationToken);
            return secret is null || secret.Count == 0 ? Results.NoContent() : Results.Json(ToJson(secret));
        });
    }

    private static JsonObject ToJson(IReadOnlyDictionary<string, string> values)
    {
        var json = new JsonObject();
        foreach (var (key, value) in values)
        {
            json[key] = value;
        }
        return json;
    }
}
