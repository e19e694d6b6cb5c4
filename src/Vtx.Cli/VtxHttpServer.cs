using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Vtx.AspNetCore;
using Vtx.Host.Lifecycle;

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
        app.Map("/{**path}", (HttpContext context) => VtxGateway.HandleAsync(host, context));
        return app;
    }

    private static IResult AdminPlugins(VtxPluginHost host, HttpContext context)
    {
        var auth = VtxGateway.Authenticate(host, context.Request);
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
}
