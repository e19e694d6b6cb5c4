using System.Text.Json;
using CloudRuntimes.Bindings;

namespace CloudRuntimes.Host.Api;

/// <summary>
/// Dapr output bindings API: <c>POST /v1.0/bindings/{name}</c> with <c>{"data", "metadata", "operation"}</c>; a malformed
/// body is 400 <c>ERR_MALFORMED_REQUEST</c>, any failure of the binding 500 <c>ERR_INVOKE_OUTPUT_BINDING</c>.
/// </summary>
internal static class BindingsEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapMethods("/v1.0/bindings/{name}", ["POST", "PUT"], async (string name, HttpRequest request, HttpResponse response, ICloudRuntimesComponents components, CancellationToken cancellationToken) =>
        {
            var (body, error) = await ApiJson.ReadAsync<BindingBody>(request, cancellationToken);
            if (error is not null)
            {
                return error;
            }
            if (string.IsNullOrEmpty(body!.Operation))
            {
                return ApiErrors.Malformed("binding requests need an operation");
            }
            var data = body.Data is { } value
                ? value.ValueKind == JsonValueKind.String ? System.Text.Encoding.UTF8.GetBytes(value.GetString()!) : JsonSerializer.SerializeToUtf8Bytes(value)
                : [];
            BindingResponse result;
            try
            {
                result = await components.GetOutputBinding(name).InvokeAsync(new BindingRequest(body.Operation, data, body.Metadata ?? []), cancellationToken);
            }
            catch (CloudRuntimesException e)
            {
                // Dapr answers every failure of an output binding (unknown binding or operation included) the same way.
                return ApiErrors.Result(CloudRuntimesErrors.InvokeOutputBinding, e.Message);
            }
            RequestMetadata.WriteHeaders(response, result.Metadata);
            return result.Data is { Length: > 0 } bytes ? Results.Bytes(bytes.ToArray(), "application/json") : Results.NoContent();
        });
    }

    internal sealed record BindingBody(JsonElement? Data, Dictionary<string, string>? Metadata, string? Operation);
}
