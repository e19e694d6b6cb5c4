using CloudRuntimes.Invocation;

namespace CloudRuntimes.Host.AppChannel;

/// <summary>Copying an HTTP request's headers onto a forwarded one, and a forwarded response back, leaving out hop-by-hop and credential headers.</summary>
internal static class HttpForwarding
{
    /// <summary>
    /// Headers never forwarded: hop-by-hop ones, the API token, the runtime-to-runtime secret and <c>dapr-app-id</c>, which
    /// the runtime consumes (forwarded, it would make the next hop, a runtime, invoke again: a loop through the runtime itself).
    /// </summary>
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Proxy-Authorization", "Proxy-Authenticate", "Host", "dapr-api-token",
        "dapr-app-id", NameResolution.PeerAuthentication.Header,
    };

    /// <summary>
    /// A request for <paramref name="url"/> carrying a buffered invocation: its verb, body, content type and the
    /// forwardable headers (the query is the caller's part of <paramref name="url"/>).
    /// </summary>
    public static HttpRequestMessage ToRequest(Uri url, InvocationRequest invocation)
    {
        var request = new HttpRequestMessage(new HttpMethod(invocation.HttpVerb), url);
        if (invocation.Body.Length > 0 || invocation.ContentType is not null)
        {
            request.Content = new ReadOnlyMemoryContent(invocation.Body);
            if (invocation.ContentType is { Length: > 0 } contentType)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }
        foreach (var (name, value) in invocation.Headers ?? new Dictionary<string, string>())
        {
            if (Forwards(name))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }
        return request;
    }

    /// <summary>The whole answer to a buffered invocation: status, body, content type and headers.</summary>
    public static async Task<InvocationResponse> ReadResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var headers = response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key, h => string.Join(',', h.Value), StringComparer.OrdinalIgnoreCase);
        return new InvocationResponse((int)response.StatusCode, body, response.Content.Headers.ContentType?.ToString(), headers);
    }

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
