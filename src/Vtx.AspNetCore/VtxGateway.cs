using Microsoft.AspNetCore.Http;
using Vtx.Host.Lifecycle;
using Vtx.Protocol;

namespace Vtx.AspNetCore;

/// <summary>
/// Turns ASP.NET Core requests into plugin calls of a <see cref="VtxPluginHost"/> and plugin answers into HTTP
/// responses, as vtx-core's gateway does (spec <c>vtx-plugins.md</c> §A.3, §A.6): routing and the plugin see the
/// raw request path and query, as the client sent them (no percent-decoding); memory buffers are served as
/// <c>application/json</c>, file buffers with their media type and HTTP range support on 200; a status-only answer
/// has an empty body; host errors are <c>{"error": "..."}</c> with the host's status.
/// </summary>
public static class VtxGateway
{
    /// <summary>Routes the request to the plugin whose entrypoint is the longest prefix of its path and writes the answer.</summary>
    /// <param name="host">The loaded plugins.</param>
    /// <param name="context">The request; its response is written.</param>
    /// <returns>A task that completes when the response is written.</returns>
    public static async Task HandleAsync(VtxPluginHost host, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(context);
        var (path, query) = RequestTarget.Read(context);
        var result = host.Handle(context.Request.Method, path, query);
        if (result.Error is not null)
        {
            await Results.Json(new HostError(result.Error), VtxGatewayJson.Default.HostError, statusCode: result.Status).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = result.Status;
        if (result.Body is not { } body)
        {
            return;
        }

        using (body)
        {
            using var content = body.OpenRead();
            if (result.Status == StatusCodes.Status200OK && body is StreamBuffer)
            {
                await Results.Stream(content, body.ContentType, enableRangeProcessing: true).ExecuteAsync(context).ConfigureAwait(false);
                return;
            }

            context.Response.ContentType = body.ContentType;
            context.Response.ContentLength = (long)body.Size;
            await content.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>Runs the plugins' <c>authenticate</c> chain over the request's headers (names lowercased, one entry per value).</summary>
    /// <param name="host">The loaded plugins.</param>
    /// <param name="request">The request.</param>
    /// <returns>The first plugin's user, or no user with the status to answer (401 when every plugin passed).</returns>
    public static VtxAuthResult Authenticate(VtxPluginHost host, Microsoft.AspNetCore.Http.HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(request);
        var headers = request.Headers
            .SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key.ToLowerInvariant(), v ?? "")))
            .ToList();
        return host.Authenticate(headers);
    }
}
