using System.Text.Json;
using CloudRuntimes.Bindings;
using CloudRuntimes.Host.Blocks;

namespace CloudRuntimes.Host.Api;

/// <summary>
/// Dapr output bindings API: <c>POST /v1.0/bindings/{name}</c> with <c>{"data", "metadata", "operation"}</c>; a malformed
/// body is 400 <c>ERR_MALFORMED_REQUEST</c>, any failure of the binding 500 <c>ERR_INVOKE_OUTPUT_BINDING</c>.
/// </summary>
internal static class BindingsEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapMethods("/v1.0/bindings/{name}", ["POST", "PUT"], async (string name, HttpRequest request, HttpResponse response, BindingsService bindings, RuntimeOptions options, CancellationToken cancellationToken) =>
        {
            var (body, error) = await ApiJson.ReadAsync<BindingBody>(request, cancellationToken);
            if (error is not null)
            {
                return error;
            }
            RequestMetadata.Check(body!.Metadata, options.Limits, "metadata");
            var data = body.Data is { } value
                ? value.ValueKind == JsonValueKind.String ? System.Text.Encoding.UTF8.GetBytes(ApiJson.Text(value)) : ApiJson.Bytes(value)
                : [];
            var result = await bindings.InvokeAsync(name, new BindingRequest(body.Operation ?? "", data, body.Metadata ?? []), cancellationToken);
            RequestMetadata.WriteHeaders(response, result.Metadata);
            return result.Data is { Length: > 0 } bytes ? Results.Bytes(bytes.ToArray(), "application/json") : Results.NoContent();
        });
    }

    internal sealed record BindingBody(JsonElement? Data, Dictionary<string, string>? Metadata, string? Operation);
}
