using System.Text.Json.Nodes;

namespace CloudRuntimes.Host.Api;

/// <summary>Dapr's error responses: <c>{"errorCode": "ERR_...", "message": "..."}</c> with the status of the error catalogue (<see cref="CloudRuntimesErrors"/>).</summary>
internal static class ApiErrors
{
    /// <summary>The error body with the entry's HTTP status, or <paramref name="status"/> where the status comes from elsewhere (a plugin's answer, Kestrel's).</summary>
    public static IResult Result(CloudRuntimesError error, string message, int? status = null) =>
        ApiJson.Result(new JsonObject { ["errorCode"] = error.Code, ["message"] = message }, statusCode: status ?? error.HttpStatus);

    public static IResult Malformed(string message) => Result(CloudRuntimesErrors.MalformedRequest, message);
}
