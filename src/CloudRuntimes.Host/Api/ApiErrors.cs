using System.Text.Json.Nodes;

namespace CloudRuntimes.Host.Api;

/// <summary>Dapr's error responses: <c>{"errorCode": "ERR_...", "message": "..."}</c> with Dapr's HTTP status per code.</summary>
internal static class ApiErrors
{
    public static int StatusOf(string errorCode) => errorCode switch
    {
        CloudRuntimesErrorCodes.MalformedRequest => 400,
        CloudRuntimesErrorCodes.StateStoreNotFound => 400,
        CloudRuntimesErrorCodes.StateETagMismatch => 409,
        CloudRuntimesErrorCodes.StateETagInvalid => 400,
        CloudRuntimesErrorCodes.PubSubNotFound => 404,
        CloudRuntimesErrorCodes.PubSubForbidden => 403,
        CloudRuntimesErrorCodes.HostNotAllowed => 403,
        CloudRuntimesErrorCodes.PayloadTooLarge => 413,
        CloudRuntimesErrorCodes.OriginNotAllowed => 403,
        CloudRuntimesErrorCodes.SecretStoreNotFound => 401,
        CloudRuntimesErrorCodes.ConfigurationStoreNotFound => 400,
        CloudRuntimesErrorCodes.LockStoreNotFound => 400,
        CloudRuntimesErrorCodes.ComponentNotFound => 404,
        CloudRuntimesErrorCodes.FilePathInvalid => 400,
        CloudRuntimesErrorCodes.FileNotFound => 404,
        CloudRuntimesErrorCodes.JobInvalid => 400,
        CloudRuntimesErrorCodes.JobNotFound => 404,
        _ => 500,
    };

    public static IResult Result(string errorCode, string message, int? status = null) =>
        Results.Json(new JsonObject { ["errorCode"] = errorCode, ["message"] = message }, statusCode: status ?? StatusOf(errorCode));

    public static IResult Result(CloudRuntimesException error) => Result(error.ErrorCode, error.Message);

    public static IResult Malformed(string message) => Result(CloudRuntimesErrorCodes.MalformedRequest, message);
}
