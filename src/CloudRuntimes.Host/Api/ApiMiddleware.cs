using CloudRuntimes.Host.Hosting;

namespace CloudRuntimes.Host.Api;

/// <summary>
/// Cross-cutting API rules: the <c>dapr-api-token</c> check (except health checks), and errors as Dapr error bodies —
/// a <see cref="CloudRuntimesException"/> maps to its code's status; anything unexpected is logged and answered
/// with a 500 <c>ERR_INTERNAL</c> body, never a stack trace.
/// </summary>
internal sealed class ApiMiddleware(RequestDelegate next, RuntimeOptions options, ILogger<ApiMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (options.ApiToken is { } token && !context.Request.Path.StartsWithSegments("/v1.0/healthz") &&
            context.Request.Headers["dapr-api-token"] != token)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync("invalid api token");
            return;
        }
        try
        {
            await next(context);
        }
        catch (CloudRuntimesException e) when (!context.Response.HasStarted)
        {
            await ApiErrors.Result(e).ExecuteAsync(context);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            await ApiErrors.Result(CloudRuntimesErrorCodes.MalformedRequest, e.Message, e.StatusCode).ExecuteAsync(context);
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
}
