using Grpc.Core;

namespace CloudRuntimes.Host.GrpcApi;

/// <summary>
/// Dapr's mappings between HTTP statuses and gRPC status codes where a call crosses protocols (service invocation of an
/// HTTP app over gRPC, and of a gRPC app over HTTP): Dapr's <c>pkg/messaging/v1/util.go</c> <c>CodeFromHTTPStatus</c>
/// and <c>HTTPStatusFromCode</c>.
/// </summary>
internal static class HttpGrpcStatus
{
    /// <summary>The gRPC code of an HTTP status (2xx is OK).</summary>
    public static StatusCode FromHttp(int status) => status switch
    {
        >= 200 and < 300 => StatusCode.OK,
        408 => StatusCode.Cancelled,
        500 => StatusCode.Unknown,
        400 => StatusCode.Internal,
        504 => StatusCode.DeadlineExceeded,
        404 => StatusCode.NotFound,
        409 => StatusCode.AlreadyExists,
        403 => StatusCode.PermissionDenied,
        401 => StatusCode.Unauthenticated,
        429 => StatusCode.ResourceExhausted,
        501 => StatusCode.Unimplemented,
        503 => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };

    /// <summary>The HTTP status of a gRPC code.</summary>
    public static int ToHttp(StatusCode code) => code switch
    {
        StatusCode.OK => 200,
        StatusCode.Cancelled => 408,
        StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.OutOfRange => 400,
        StatusCode.DeadlineExceeded => 504,
        StatusCode.NotFound => 404,
        StatusCode.AlreadyExists or StatusCode.Aborted => 409,
        StatusCode.PermissionDenied => 403,
        StatusCode.Unauthenticated => 401,
        StatusCode.ResourceExhausted => 429,
        StatusCode.Unimplemented => 501,
        StatusCode.Unavailable => 503,
        _ => 500,
    };
}
