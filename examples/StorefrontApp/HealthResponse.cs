using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace StorefrontApp;

/// <summary>Writes a health report as JSON: <c>{"status": ..., "checks": {"name": {"status": ..., "description": ...}}}</c>.</summary>
public static class HealthResponse
{
    /// <summary>The response writer for <c>MapHealthChecks</c>.</summary>
    /// <param name="context">The request.</param>
    /// <param name="report">The report.</param>
    /// <returns>A task that completes when written.</returns>
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}
