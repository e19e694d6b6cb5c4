using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace CloudRuntimes.Client;

/// <summary>
/// One operation of the HTTP API, built once and run by either variant of a client method
/// (<see cref="ApiTransport.CallAsync{T}"/> or the synchronous <see cref="ApiTransport.Call{T}"/>).
/// </summary>
/// <typeparam name="T">What the operation returns.</typeparam>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Path and query under the runtime's endpoint.</param>
/// <param name="Parse">Turns the buffered response into the result; runs after the status check.</param>
/// <param name="Content">Request body; null for none.</param>
/// <param name="Headers">Adds request headers; null for none.</param>
/// <param name="MapCode">Maps (status, error code) of a failure to the code thrown; null to keep the server's code.</param>
/// <param name="Checked">False when a non-success status is a result for <paramref name="Parse"/>, not an error.</param>
internal sealed record ApiOperation<T>(
    HttpMethod Method,
    string Path,
    Func<ApiReply, T> Parse,
    HttpContent? Content = null,
    Action<HttpRequestHeaders>? Headers = null,
    Func<HttpStatusCode, string, string>? MapCode = null,
    bool Checked = true);

/// <summary>A response with its body read.</summary>
/// <param name="Response">The response (status and headers; its content is already read into <paramref name="Body"/>).</param>
/// <param name="Body">The body bytes.</param>
internal sealed record ApiReply(HttpResponseMessage Response, byte[] Body)
{
    /// <summary>The body as UTF-8 text.</summary>
    public string Text => Encoding.UTF8.GetString(Body);

    /// <summary>The response's <c>metadata.*</c> headers, without the prefix.</summary>
    public Dictionary<string, string> Metadata() =>
        Response.Headers.Where(h => h.Key.StartsWith("metadata.", StringComparison.Ordinal))
            .ToDictionary(h => h.Key["metadata.".Length..], h => string.Join(',', h.Value), StringComparer.Ordinal);

    /// <summary>Ignores the response (operations without a result).</summary>
    public static bool None(ApiReply reply) => true;
}
