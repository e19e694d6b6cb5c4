using CloudRuntimes.Host.AppChannel;

namespace CloudRuntimes.Host.Api;

/// <summary>
/// Dapr service invocation: <c>/v1.0/invoke/{app-id}/method/{method}</c> with any verb. The local app id goes to the
/// app channel; other app ids go to the endpoints configured with <c>--app-endpoint ID=URL</c>.
/// The target's status, headers and body come back unchanged.
/// </summary>
internal static class InvokeEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.Map("/v1.0/invoke/{appId}/method/{**method}", async (string appId, string? method, HttpContext context, AppClient app) =>
        {
            var target = app.ResolveApp(appId);
            if (target is null)
            {
                return ApiErrors.Result(CloudRuntimesErrorCodes.DirectInvoke, $"failed to invoke, id: {appId}, err: app id {appId} is not known (start the runtime with --app-port for the local app, or --app-endpoint {appId}=URL)", 404);
            }
            await app.ForwardAsync(target, "/" + (method ?? ""), context);
            return Results.Empty;
        });
    }
}
