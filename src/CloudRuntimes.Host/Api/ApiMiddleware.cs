using Vtx.AspNetCore;
using Vtx.Host.Lifecycle;

namespace CloudRuntimes.Host.Api;

/// <summary>
/// Cross-cutting API rules (after the <see cref="Security.RequestPolicy"/>): with <c>--plugin-auth</c>, the plugins'
/// <c>authenticate</c> chain (except health checks); errors as Dapr error bodies —
/// a <see cref="CloudRuntimesException"/> maps to its code's status; anything unexpected is logged and answered
/// with a 500 <c>ERR_INTERNAL</c> body, never a stack trace.
/// </summary>
internal sealed class ApiMiddleware(RequestDelegate next, PluginAuthentication pluginAuthentication, ILogger<ApiMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var isHealthCheck = context.Request.Path.StartsWithSegments("/v1.0/healthz");
        var isApi = context.Request.Path.StartsWithSegments("/v1.0") || context.Request.Path.StartsWithSegments("/v1.0-alpha1");
        if (pluginAuthentication.Plugins is { } plugins && isApi && !isHealthCheck)
        {
            var auth = VtxGateway.Authenticate(plugins, context.Request);
            if (auth.User is null)
            {
                await ApiErrors.Result("ERR_UNAUTHORIZED", $"no plugin authenticated the request (status {auth.Status})", auth.Status).ExecuteAsync(context);
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
            await ApiErrors.Result(e).ExecuteAsync(context);
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
            logger.LogError(e, "{Method} {Path} failed", context.Request.Method, context.Request.Path);
            await ApiErrors.Result("ERR_INTERNAL", $"internal error: {e.Message}", 500).ExecuteAsync(context);
        }
    }

    private static Task BadRequestAsync(HttpContext context, BadHttpRequestException e) =>
        e.StatusCode == StatusCodes.Status413PayloadTooLarge
            ? ApiErrors.Result(CloudRuntimesErrorCodes.PayloadTooLarge, e.Message, e.StatusCode).ExecuteAsync(context)
            : ApiErrors.Result(CloudRuntimesErrorCodes.MalformedRequest, e.Message, e.StatusCode).ExecuteAsync(context);
}

/// <summary>The plugin host whose <c>authenticate</c> chain guards the API (<c>--plugin-auth</c>), or null when the API is not guarded.</summary>
internal sealed record PluginAuthentication(VtxPluginHost? Plugins);
