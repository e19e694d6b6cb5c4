using CloudRuntimes.Host.AppChannel;
using CloudRuntimes.Host.Blocks;
using CloudRuntimes.Host.NameResolution;

namespace CloudRuntimes.Host.Api;

/// <summary>
/// Dapr service invocation: <c>/v1.0/invoke/{app-id}/method/{method}</c> with any verb, or any path outside the API
/// with the header <c>dapr-app-id: {app-id}</c> (the path is the method). The local app id goes to the app channel;
/// other app ids go to the endpoints configured with <c>--app-endpoint ID=URL</c>; a URL-encoded <c>http(s)://</c> address
/// in place of the app id is called directly. The target's status, headers and
/// body come back unchanged; an unknown app id is 404 <c>ERR_DIRECT_INVOKE</c>, an empty method 400. A local app that
/// speaks gRPC (<c>--app-protocol grpc</c>) is called with <c>OnInvoke</c>.
/// </summary>
internal static class InvokeEndpoints
{
    private const string AppIdHeader = "dapr-app-id";

    public static void Map(WebApplication app)
    {
        // Runs after routing, before the matched endpoint (the plugin gateway's fallback included).
        app.Use(async (context, next) =>
        {
            if (context.Request.Headers.TryGetValue(AppIdHeader, out var appId) && !IsApiPath(context.Request.Path) && !GrpcApi.GrpcRefusal.IsGrpc(context.Request))
            {
                var result = await InvokeAsync(appId.ToString(), context.Request.Path.Value?.TrimStart('/'), context, context.RequestServices.GetRequiredService<AppClient>());
                await result.ExecuteAsync(context);
                return;
            }
            await next(context);
        });
        app.Map("/v1.0/invoke/{appId}/method/{**method}", (string appId, string? method, HttpContext context, AppClient client) => InvokeAsync(appId, method, context, client));
    }

    private static bool IsApiPath(PathString path) =>
        path.StartsWithSegments("/v1.0") || path.StartsWithSegments("/v1.0-alpha1") || path.StartsWithSegments("/v1.0-beta1");

    private static async Task<IResult> InvokeAsync(string appId, string? method, HttpContext context, AppClient app)
    {
        var invocation = context.RequestServices.GetRequiredService<InvocationService>();
        var target = invocation.TryResolve(appId, method);
        if (target is null)
        {
            // Not this runtime's app nor an --app-endpoint: another runtime's, when name resolution is configured.
            if (context.RequestServices.GetService<PeerInvoker>() is { } peers && await peers.TryInvokeAsync(appId, method!, context))
            {
                return Results.Empty;
            }
            throw InvocationService.UnknownApp(appId);
        }
        if (invocation.GrpcApp(target) is { } grpcApp)
        {
            await grpcApp.ForwardHttpAsync(method!, context);
            return Results.Empty;
        }
        await app.ForwardAsync(target, "/" + method, context);
        return Results.Empty;
    }
}
