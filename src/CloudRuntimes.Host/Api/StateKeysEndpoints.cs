using System.Globalization;
using System.Text.Json.Nodes;
using CloudRuntimes.Host.Blocks;
using CloudRuntimes.State;

namespace CloudRuntimes.Host.Api;

/// <summary>
/// State key listing, a Cloud Runtimes extension (Dapr has none): <c>GET /v1.0-alpha1/state/{store}/keys?prefix=&amp;limit=&amp;continuationToken=</c>
/// answers <c>{"keys": [...], "continuationToken": "..."}</c> (the token left out on the last page); a page over
/// <c>--max-response-size</c> is 400 <c>ERR_RESPONSE_TOO_LARGE</c>.
/// </summary>
internal static class StateKeysEndpoints
{
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/v1.0-alpha1/state/{store}/keys", async (string store, HttpRequest request, StateService state, CancellationToken cancellationToken) =>
        {
            var limit = StateKeyQuery.DefaultLimit;
            if (request.Query["limit"] is { Count: > 0 } given
                && !int.TryParse(given.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out limit))
            {
                return ApiErrors.Malformed($"limit '{given}' is not a whole number from 1 to {StateKeyQuery.MaxLimit}");
            }
            var token = request.Query["continuationToken"].ToString();
            var page = await state.ListKeysAsync(store, new StateKeyQuery(request.Query["prefix"].ToString(), limit, token.Length == 0 ? null : token), cancellationToken);
            var body = new JsonObject { ["keys"] = new JsonArray([.. page.Keys.Select(k => (JsonNode)k)]) };
            if (page.ContinuationToken is not null)
            {
                body["continuationToken"] = page.ContinuationToken;
            }
            return ApiJson.Result(body);
        });
}
