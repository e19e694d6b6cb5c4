using Vtx.AspNetCore;
using CloudRuntimes.Host.GrpcApi;
using CloudRuntimes.Host.Plugins;

namespace CloudRuntimes.Host.Api;

/// <summary>
/// Cross-cutting API rules (after the <see cref="Security.RequestPolicy"/>): with <c>--plugin-auth</c>, the plugins'
/// <c>authenticate</c> chain (except health checks; gRPC calls too, refused as Unauthenticated); errors as Dapr error bodies —
/// a <see cref="CloudRuntimesException"/> maps to its code's status; anything unexpected is logged and answered
/// with a 500 <c>ERR_INTERNAL</c> body naming the request's id, never the exception's text or a stack trace
/// (<see cref="FailureReport"/>).
/// </summary>
internal sealed class ApiMiddleware(RequestDelegate next, RuntimeOptions options, PluginService plugins, ILogger<ApiMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var isHealthCheck = context.Request.Path.StartsWithSegments("/v1.0/healthz");
        var isGrpc = GrpcRefusal.IsGrpc(context.Request);
        var isApi = isGrpc || context.Request.Path.StartsWithSegments("/v1.0") || context.Request.Path.StartsWithSegments("/v1.0-alpha1");
        if (options.PluginAuth && plugins.Plugins is { } host && isApi && !isHealthCheck)
        {
            var auth = VtxGateway.Authenticate(host, context.Request);
            if (auth.User is null && isGrpc)
            {
                await GrpcRefusal.WriteAsync(context, CloudRuntimesErrors.Unauthorized, $"no plugin authenticated the request (status {auth.Status})");
                return;
            }
            if (auth.User is null)
            {
                // The plugins' chain decides the status (401 when every plugin passed).
                await ApiErrors.Result(CloudRuntimesErrors.Unauthorized, $"no plugin authenticated the request (status {auth.Status})", auth.Status).ExecuteAsync(context);
                return;
            }
        }
        try
        {
            await next(context);
        }
        catch (CloudRuntimesException e) when (!context.Response.HasStarted && e.InnerException is BadHttpRequestException bad)
        {
            // A component failed because the request body could not be read (too large, cut off): the request's failure.
            await BadRequestAsync(context, bad);
        }
        catch (CloudRuntimesException e) when (!context.Response.HasStarted)
        {
            await ApiErrors.Result(e.Error, FailureReport.Of(logger, e, context, Operation(context))).ExecuteAsync(context);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            await BadRequestAsync(context, e);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The caller went away.
        }
#pragma warning disable CA1031 // Every unexpected failure becomes a Dapr error body, never a stack trace.
        catch (Exception e) when (!context.Response.HasStarted)
#pragma warning restore CA1031
        {
            await ApiErrors.Result(CloudRuntimesErrors.Internal, FailureReport.Unexpected(logger, e, context, Operation(context))).ExecuteAsync(context);
        }
    }

    private static string Operation(HttpContext context) => $"{context.Request.Method} {context.Request.Path}";

    private static Task BadRequestAsync(HttpContext context, BadHttpRequestException e) =>
        e.StatusCode == StatusCodes.Status413PayloadTooLarge
            ? ApiErrors.Result(CloudRuntimesErrors.PayloadTooLarge, e.Message).ExecuteAsync(context)
            : ApiErrors.Result(CloudRuntimesErrors.MalformedRequest, e.Message, e.StatusCode).ExecuteAsync(context);
}
