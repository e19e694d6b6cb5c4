using System.Globalization;
using System.Text.Json.Nodes;
using CloudRuntimes.Components.Files;

namespace CloudRuntimes.Host.Api;

/// <summary>
/// The file building block (not in Dapr; after Layotto's file API) under <c>/v1.0-alpha1/files/{store}</c>:
/// <c>PUT {name}</c> stores the body, <c>GET {name}</c> returns it, <c>DELETE {name}</c>, <c>GET ?prefix=</c> lists,
/// <c>HEAD {name}</c> gives size and modification time as headers. Kestrel leaves an encoded slash (<c>%2F</c>) in a
/// path undecoded; the file name decodes it, so <c>..%2Fx</c> is the name <c>../x</c> and the store refuses it. Names are
/// bounded (<see cref="FileNames"/>: 400 <c>ERR_FILE_PATH_INVALID</c>); a name where a folder is, or under a file, is 409
/// <c>ERR_FILE_CONFLICT</c>; reading a folder is 404.
/// </summary>
internal static class FileEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1.0-alpha1/files/{store}", async (string store, string? prefix, ICloudRuntimesComponents components, CancellationToken cancellationToken) =>
        {
            var files = await components.GetFileStore(store).ListAsync(prefix ?? "", cancellationToken);
            return ApiJson.Result(new JsonArray([.. files.Select(f => (JsonNode)new JsonObject
            {
                ["name"] = f.Name,
                ["size"] = f.Size,
                ["lastModified"] = f.LastModified.ToString("O", CultureInfo.InvariantCulture),
            })]));
        });
        routes.MapPut("/v1.0-alpha1/files/{store}/{**name}", async (string store, string name, HttpRequest request, ICloudRuntimesComponents components, CancellationToken cancellationToken) =>
        {
            await components.GetFileStore(store).PutAsync(FileName(name), request.Body, RequestMetadata.From(request), cancellationToken);
            return Results.NoContent();
        });
        routes.MapGet("/v1.0-alpha1/files/{store}/{**name}", async (string store, string name, ICloudRuntimesComponents components, CancellationToken cancellationToken) =>
            Results.Stream(await components.GetFileStore(store).GetAsync(FileName(name), cancellationToken), "application/octet-stream"));
        routes.MapMethods("/v1.0-alpha1/files/{store}/{**name}", ["HEAD"], async (string store, string name, HttpResponse response, ICloudRuntimesComponents components, CancellationToken cancellationToken) =>
        {
            var entry = await components.GetFileStore(store).StatAsync(FileName(name), cancellationToken);
            if (entry is null)
            {
                return Results.NotFound();
            }
            response.ContentLength = entry.Size;
            response.Headers.LastModified = entry.LastModified.ToString("R", CultureInfo.InvariantCulture);
            return Results.Ok();
        });
        routes.MapDelete("/v1.0-alpha1/files/{store}/{**name}", async (string store, string name, ICloudRuntimesComponents components, CancellationToken cancellationToken) =>
            await components.GetFileStore(store).DeleteAsync(FileName(name), cancellationToken)
                ? Results.NoContent()
                : ApiErrors.Result(CloudRuntimesErrors.FileNotFound, $"file {FileNames.Shown(FileName(name))} not found in {store}"));
    }

    private static string FileName(string routeValue) => routeValue.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
}
