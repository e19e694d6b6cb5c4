using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace CloudRuntimes.Host.Api;

/// <summary>JSON of the API through its source-generated metadata (<see cref="ApiJsonContext"/>): request bodies in, answers out.</summary>
internal static class ApiJson
{
    /// <summary>
    /// Reads the request body as <typeparamref name="T"/> (a type of <see cref="ApiJsonContext"/>); null with an error result
    /// when it is not valid JSON of that shape. Generic rather than taking the context's property: the Request Delegate
    /// Generator does not see other generators' output, so an endpoint lambda naming <c>ApiJsonContext.Default.X</c> loses its type.
    /// </summary>
    public static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
    {
        var type = (JsonTypeInfo<T>)(ApiJsonContext.Default.GetTypeInfo(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T)} is not in ApiJsonContext"));
        try
        {
            var value = await JsonSerializer.DeserializeAsync(request.Body, type, cancellationToken);
            return value is null ? (default, ApiErrors.Malformed("request body is empty")) : (value, null);
        }
        catch (JsonException e)
        {
            return (default, ApiErrors.Malformed($"request body is not valid JSON: {e.Message}"));
        }
    }

    /// <summary>The raw JSON bytes of a value as stored (a JSON string keeps its quotes, as Dapr stores it).</summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.MalformedRequest"/> when a string of the value holds a lone surrogate.</exception>
    public static byte[] Bytes(JsonElement? value)
    {
        try
        {
            return value is { } element ? JsonSerializer.SerializeToUtf8Bytes(element, ApiJsonContext.Default.JsonElement) : "null"u8.ToArray();
        }
        catch (JsonException e) when (e.InnerException is InvalidOperationException)
        {
            throw LoneSurrogate(e);
        }
    }

    /// <summary>The text of a JSON string of the request.</summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.MalformedRequest"/> when it holds a lone surrogate.</exception>
    public static string Text(JsonElement value)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            throw LoneSurrogate(e);
        }
    }

    /// <summary>
    /// A string escape such as <c>"\ud800"</c>, a UTF-16 surrogate without its pair, is valid JSON but no Unicode text: it
    /// cannot be decoded or stored, so the request is malformed (400), not the server's failure.
    /// </summary>
    private static CloudRuntimesException LoneSurrogate(Exception inner) =>
        new(CloudRuntimesErrors.MalformedRequest, "request body is not valid: a string holds a lone UTF-16 surrogate (an unpaired \\uD800-\\uDFFF escape)", inner);

    /// <summary>A JSON document as UTF-8 bytes.</summary>
    public static byte[] Bytes(JsonNode node) => JsonSerializer.SerializeToUtf8Bytes(node, ApiJsonContext.Default.JsonNode);

    /// <summary>A JSON answer (<c>application/json; charset=utf-8</c>), 200 unless <paramref name="statusCode"/> says otherwise.</summary>
    public static IResult Result(JsonNode body, int? statusCode = null) => Results.Json(body, ApiJsonContext.Default.JsonNode, statusCode: statusCode);
}
