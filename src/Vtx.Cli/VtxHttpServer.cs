using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Vtx.Host.Lifecycle;
using Vtx.Protocol;

namespace Vtx.Cli;

/// <summary>
/// Serves a <see cref="VtxPluginHost"/> over HTTP like vtx-core's gateway: <c>GET /health</c>,
/// <c>GET /admin/plugins</c> behind the plugins' <c>authenticate</c> chain, and every other path
/// routed to the plugin whose entrypoint matches. Memory buffers are served as
/// <c>application/json</c>, file buffers with their media type (and HTTP range support on 200);
/// a status-only answer has an empty body; host errors are <c>{"error": "..."}</c>.
/// </summary>
public static class VtxHttpServer
{
    /// <summary>Builds (does not start) the web application.</summary>
    /// <param name="host">The loaded plugins; owned by the caller.</param>
    /// <param name="url">Listen address, e.g. <c>http://127.0.0.1:8080</c>.</param>
    /// <returns>The application; call <c>RunAsync</c> or <c>StartAsync</c>.</returns>
    public static WebApplication Create(VtxPluginHost host, string url)
    {
        ArgumentNullException.ThrowIfNull(host);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        app.MapGet("/health", () => Results.Text("ok"));
        app.MapGet("/admin/plugins", (HttpContext context) => AdminPlugins(host, context));
        app.Map("/{**path}", (HttpContext context) => GatewayAsync(host, context));
        return app;
    }

    private static IResult AdminPlugins(VtxPluginHost host, HttpContext context)
    {
        var headers = context.Request.Headers
            .SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key.ToLowerInvariant(), v ?? "")))
            .ToList();
        var auth = host.Authenticate(headers);
        if (auth.User is null)
        {
            return Results.Json(new { error = "Unauthorized" }, statusCode: auth.Status);
        }

        var plugins = host.Plugins.Select(p => new
        {
            id = p.Manifest.Id,
            name = p.Manifest.Name,
            version = p.Manifest.Version,
            entrypoint = p.Manifest.Entrypoint,
            schemaVersion = p.SchemaVersion,
        });
        return Results.Json(new { user = auth.User.Username, plugins });
    }

    private static async Task GatewayAsync(VtxPluginHost host, HttpContext context)
    {
        var request = context.Request;
        var query = request.QueryString.HasValue ? request.QueryString.Value![1..] : "";
        var result = host.Handle(request.Method, request.Path.Value ?? "/", query);
        if (result.Error is not null)
        {
            await Results.Json(new { error = result.Error }, statusCode: result.Status).ExecuteAsync(context).ConfigureAwait(false);
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
}
