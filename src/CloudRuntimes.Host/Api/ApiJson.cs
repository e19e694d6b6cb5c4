using System.Text.Json;

namespace CloudRuntimes.Host.Api;

/// <summary>JSON settings of the API: case-insensitive property names on input (as Go's decoder), camelCase output.</summary>
internal static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNameCaseInsensitive = true,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Reads the request body as <typeparamref name="T"/>; null with an error result when it is not valid JSON of that shape.</summary>
    public static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, Options, cancellationToken);
            return value is null ? (default, ApiErrors.Malformed("request body is empty")) : (value, null);
        }
        catch (JsonException e)
        {
            return (default, ApiErrors.Malformed($"request body is not valid JSON: {e.Message}"));
        }
    }

    /// <summary>The raw JSON bytes of a value as stored (a JSON string keeps its quotes, as Dapr stores it).</summary>
    public static byte[] Bytes(JsonElement? value) =>
        value is { } element ? JsonSerializer.SerializeToUtf8Bytes(element) : "null"u8.ToArray();
}
