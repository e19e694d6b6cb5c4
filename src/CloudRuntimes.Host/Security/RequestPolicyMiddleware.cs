using CloudRuntimes.Host.Api;
using CloudRuntimes.Host.NameResolution;

namespace CloudRuntimes.Host.Security;

/// <summary>Applies the <see cref="RequestPolicy"/> to every HTTP request, first in the pipeline.</summary>
internal sealed class RequestPolicyMiddleware(RequestDelegate next, RequestPolicy policy)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
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
            peer || request.Path.StartsWithSegments("/v1.0/healthz"));
        if (refusal is null)
        {
            await next(context);
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
