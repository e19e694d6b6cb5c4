using CloudRuntimes.Host.Api;
using CloudRuntimes.Host.GrpcApi;
using CloudRuntimes.Host.Hosting;
using CloudRuntimes.Host.NameResolution;

namespace CloudRuntimes.Host.Security;

/// <summary>
/// Applies the <see cref="RequestPolicy"/> to every request, first in the pipeline: HTTP requests are refused with
/// Dapr's HTTP answers, gRPC requests with gRPC statuses (PermissionDenied for the host and origin, Unauthenticated for
/// the API token). The gRPC listener serves gRPC only: anything else there is 415.
/// </summary>
internal sealed class RequestPolicyMiddleware(RequestDelegate next, RequestPolicy policy, RuntimeListeners listeners)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var isGrpc = GrpcRefusal.IsGrpc(request);
        if (!isGrpc && listeners.GrpcPort is { } grpcPort && context.Connection.LocalPort == grpcPort)
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync("this port serves Dapr's gRPC API only (Content-Type: application/grpc); the HTTP API has its own port");
            return;
        }
        // Runtime-to-runtime routes take the shared secret of name resolution in place of the API token.
        var peer = request.Path.StartsWithSegments(PeerAuthentication.Prefix);
        if (peer && context.RequestServices.GetService<PeerAuthentication>()?.Accepts(request.Headers[PeerAuthentication.Header].FirstOrDefault()) != true)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync("invalid peer secret");
            return;
        }
        var refusal = policy.Check(
            request.Scheme,
            request.Headers.Host.Count > 0 ? request.Headers.Host.ToString() : null,
            request.Headers.Origin.Count > 0 ? request.Headers.Origin.ToString() : null,
            request.Headers.TryGetValue(RequestPolicy.TokenHeader, out var token) ? token.ToString() : null,
            peer || (!isGrpc && request.Path.StartsWithSegments("/v1.0/healthz")));
        if (refusal is null)
        {
            await next(context);
            return;
        }
        if (isGrpc)
        {
            await GrpcRefusal.WriteAsync(context, refusal.Error ?? CloudRuntimesErrors.Unauthorized, refusal.Message);
            return;
        }
        if (refusal.Error is { } error)
        {
            await ApiErrors.Result(error, refusal.Message).ExecuteAsync(context);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync(refusal.Message);
    }
}
