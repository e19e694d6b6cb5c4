using System.Collections.Frozen;

namespace CloudRuntimes.Host.Dashboard;

/// <summary>
/// The dashboard's pages, scripts and styles, embedded in the server (<c>Dashboard/wwwroot</c>, resource names
/// <c>dashboard/{file}</c>): read once, served with their media type, no caching, and headers that keep the page to
/// its own origin (<c>Content-Security-Policy: default-src 'self'</c>, no framing, no sniffing).
/// </summary>
internal static class DashboardAssets
{
    private static readonly FrozenDictionary<string, (byte[] Content, string MediaType)> Files = Load();

    /// <summary>The file as a result; 404 when the dashboard has no such file.</summary>
    public static IResult Serve(string file) =>
        Files.TryGetValue(file, out var asset) ? new AssetResult(asset.Content, asset.MediaType) : Results.NotFound();

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("dashboard/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var file = name["dashboard/".Length..];
            files[file] = (copy.ToArray(), Path.GetExtension(file) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                ".svg" => "image/svg+xml",
                _ => "application/octet-stream",
            });
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private sealed class AssetResult(byte[] content, string mediaType) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var headers = httpContext.Response.Headers;
            headers.CacheControl = "no-cache";
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'";
            httpContext.Response.ContentType = mediaType;
            httpContext.Response.ContentLength = content.Length;
            return httpContext.Response.Body.WriteAsync(content, httpContext.RequestAborted).AsTask();
        }
    }
}
