using CloudRuntimes.Host.Api;
using CloudRuntimes.Host.AppChannel;
using CloudRuntimes.Host.Blocks;

namespace CloudRuntimes.Host.NameResolution;

/// <summary>
/// The runtime-to-runtime route: <c>/v1.0-internal/invoke/{appId}/method/{method}</c> (any verb) forwards to this
/// runtime's own app only (over HTTP, or through its AppCallback when it speaks gRPC). The request policy lets it through only with the shared secret (<see cref="PeerAuthentication"/>).
/// </summary>
internal static class PeerEndpoints
{
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.Map(PeerAuthentication.Prefix + "/invoke/{appId}/method/{**method}", async (string appId, string? method, HttpContext context, AppClient app, RuntimeOptions options) =>
        {
            if (appId != options.AppId || app.AppBase is not { } target)
            {
                return ApiErrors.Result(CloudRuntimesErrors.DirectInvokeUnknownApp, $"failed to invoke, id: {appId}, err: this runtime serves app {options.AppId}{(app.Configured ? "" : " and has no app")}");
            }
            if (string.IsNullOrEmpty(method))
            {
                return ApiErrors.Result(CloudRuntimesErrors.DirectInvokeNoMethod, $"failed to invoke, id: {appId}, err: method name not provided");
            }
            // A local app that speaks gRPC gets the call through its AppCallback, as over the HTTP API.
            if (context.RequestServices.GetRequiredService<InvocationService>().GrpcApp(target) is { } grpcApp)
            {
                await grpcApp.ForwardHttpAsync(method, context);
                return Results.Empty;
            }
            await app.ForwardAsync(target, "/" + method, context);
            return Results.Empty;
        });
}
