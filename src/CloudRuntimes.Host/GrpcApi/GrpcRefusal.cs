using System.Globalization;
using System.Text;
using Google.Protobuf;

namespace CloudRuntimes.Host.GrpcApi;

/// <summary>
/// Refusals before a gRPC method runs (the request policy, plugin authentication, the listener's protocol), answered as a
/// gRPC client reads them: HTTP 200 with <c>grpc-status</c>, <c>grpc-message</c> and the rich details in
/// <c>grpc-status-details-bin</c>, headers only (a trailers-only response).
/// </summary>
internal static class GrpcRefusal
{
    /// <summary>True for a gRPC request (<c>Content-Type: application/grpc</c>, <c>application/grpc+proto</c>, ...).</summary>
    public static bool IsGrpc(HttpRequest request) =>
        request.ContentType is { } type && type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);

    /// <summary>Ends the request with <paramref name="error"/>'s gRPC status and details.</summary>
    public static Task WriteAsync(HttpContext context, CloudRuntimesError error, string message)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = error.GrpcStatus.ToString(CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = PercentEncode(message);
        response.Headers["grpc-status-details-bin"] = Convert.ToBase64String(GrpcErrors.StatusOf(error, message).ToByteArray());
        return response.CompleteAsync();
    }

    /// <summary><c>grpc-message</c> encoding: bytes outside printable ASCII, and <c>%</c>, as <c>%XX</c> of their UTF-8.</summary>
    private static string PercentEncode(string message)
    {
        var text = new StringBuilder(message.Length);
        foreach (var b in Encoding.UTF8.GetBytes(message))
        {
            if (b is >= 0x20 and <= 0x7E && b != (byte)'%')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        return text.ToString();
    }
}
