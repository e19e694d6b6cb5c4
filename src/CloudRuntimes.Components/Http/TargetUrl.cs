namespace CloudRuntimes.Components.Http;

/// <summary>
/// Builds the URL of a request the runtime sends on someone's behalf (service invocation, subscription deliveries,
/// input bindings, jobs and configuration callbacks to an app; <c>bindings.http</c> requests): whatever the path, the
/// result is a path under the configured base address, never another host. A path such as <c>//host:9999/x</c>,
/// <c>\\host</c>, <c>http://host/x</c> or <c>%2F%2Fhost/x</c> stays a path, so a token sent with the request reaches the
/// configured target only.
/// </summary>
public static class TargetUrl
{
    /// <summary>The URL of <paramref name="path"/> (and <paramref name="query"/>) under <paramref name="baseUrl"/>.</summary>
    /// <param name="baseUrl">The target's base address; the path is appended to its path (<c>http://h/api</c> + <c>x</c> → <c>http://h/api/x</c>).</param>
    /// <param name="path">The path, percent-encoding kept as received; one leading <c>/</c> is implied. A backslash, <c>?</c> or <c>#</c> in it is escaped.</param>
    /// <param name="query">The query string with its <c>?</c>, or null.</param>
    /// <returns>An absolute URL with <paramref name="baseUrl"/>'s scheme and authority.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.MalformedRequest"/>: the path cannot be part of a URL.</exception>
    public static Uri Under(Uri baseUrl, string path, string? query = null)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        ArgumentNullException.ThrowIfNull(path);
        // A backslash is a path separator to some servers and to .NET's own URI parser; '?' or '#' would end the path.
        var safePath = path.Replace("\\", "%5C", StringComparison.Ordinal).Replace("?", "%3F", StringComparison.Ordinal).Replace("#", "%23", StringComparison.Ordinal);
        var authority = baseUrl.GetLeftPart(UriPartial.Authority);
        var text = authority + baseUrl.AbsolutePath.TrimEnd('/') + (safePath.StartsWith('/') ? "" : "/") + safePath + query;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.GetLeftPart(UriPartial.Authority) != authority)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"'{path}' is not a valid path under {authority}");
        }
        return url;
    }
}
