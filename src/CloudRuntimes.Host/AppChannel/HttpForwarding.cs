namespace CloudRuntimes.Host.AppChannel;

/// <summary>Copying an HTTP request's headers onto a forwarded one, and a forwarded response back, leaving out hop-by-hop and credential headers.</summary>
internal static class HttpForwarding
{
    /// <summary>Headers never forwarded: hop-by-hop ones, the API token and the runtime-to-runtime secret.</summary>
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Proxy-Authorization", "Proxy-Authenticate", "Host", "dapr-api-token",
        NameResolution.PeerAuthentication.Header,
    };

    /// <summary>Whether a header named <paramref name="name"/> is forwarded (not a hop-by-hop or credential header).</summary>
    public static bool Forwards(string name) => !HopByHop.Contains(name);

    /// <summary>Copies the incoming request's headers (but the hop-by-hop and credential ones) onto <paramref name="request"/> and its content.</summary>
    public static void CopyRequestHeaders(HttpRequest incoming, HttpRequestMessage request)
    {
        foreach (var (name, values) in incoming.Headers)
        {
            if (HopByHop.Contains(name))
            {
                continue;
            }
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }
    }

    /// <summary>Writes a forwarded response back unchanged: status, headers (but the hop-by-hop ones) and body.</summary>
    public static async Task CopyResponseAsync(HttpResponseMessage response, HttpContext context)
    {
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopByHop.Contains(header.Key))
            {
                context.Response.Headers[header.Key] = header.Value.ToArray();
            }
        }
        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}
