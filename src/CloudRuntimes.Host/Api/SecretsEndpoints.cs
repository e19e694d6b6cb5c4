using System.Text.Json.Nodes;
using CloudRuntimes.Host.Blocks;

namespace CloudRuntimes.Host.Api;

/// <summary>Dapr secrets API: <c>/v1.0/secrets/{store}/{name}</c> and <c>/bulk</c>.</summary>
internal static class SecretsEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1.0/secrets/{store}/bulk", async (string store, HttpRequest request, SecretsService secrets, CancellationToken cancellationToken) =>
        {
            var json = new JsonObject();
            foreach (var (name, values) in await secrets.GetBulkAsync(store, RequestMetadata.From(request), cancellationToken))
            {
                json[name] = ToJson(values);
            }
            return ApiJson.Result(json);
        });
        routes.MapGet("/v1.0/secrets/{store}/{**name}", async (string store, string name, HttpRequest request, SecretsService secrets, CancellationToken cancellationToken) =>
        {
            var secret = await secrets.GetAsync(store, name, RequestMetadata.From(request), cancellationToken);
            return secret is null || secret.Count == 0 ? Results.NoContent() : ApiJson.Result(ToJson(secret));
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
