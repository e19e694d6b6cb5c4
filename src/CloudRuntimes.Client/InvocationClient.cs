using System.Net.Http.Headers;
using System.Text.Json;
using CloudRuntimes.Invocation;

namespace CloudRuntimes.Client;

/// <summary>Service invocation over <c>/v1.0/invoke/{app-id}/method/{method}</c>: the target's status, headers and body come back as they are.</summary>
public sealed class InvocationClient
{
    private readonly ApiTransport _api;

    internal InvocationClient(ApiTransport api) => _api = api;

    /// <summary>Invokes a method of an app.</summary>
    /// <param name="request">App id, method, verb, body, content type, query string and headers.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The target's response (a non-2xx status is returned, not thrown).</returns>
    /// <exception cref="CloudRuntimesException">The runtime could not reach the app (<c>ERR_DIRECT_INVOKE</c>).</exception>
    public Task<InvocationResponse> InvokeMethodAsync(InvocationRequest request, CancellationToken cancellationToken = default) =>
        _api.CallAsync(InvokeOperation(request), cancellationToken);

    /// <summary>Synchronous <see cref="InvokeMethodAsync(InvocationRequest, CancellationToken)"/>: a synchronous send on the calling thread (no task is waited on).</summary>
    /// <param name="request">The request.</param>
    /// <returns>The target's response (a non-2xx status is returned, not thrown).</returns>
    /// <exception cref="CloudRuntimesException">The runtime could not reach the app (<c>ERR_DIRECT_INVOKE</c>).</exception>
    public InvocationResponse InvokeMethod(InvocationRequest request) => _api.Call(InvokeOperation(request));

    private static ApiOperation<InvocationResponse> InvokeOperation(InvocationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        HttpContent? content = null;
        if (request.Body.Length > 0 || request.ContentType is not null)
        {
            content = new ByteArrayContent(request.Body.ToArray());
            if (request.ContentType is not null)
            {
                content.Headers.ContentType = MediaTypeHeaderValue.Parse(request.ContentType);
            }
        }
        var query = string.IsNullOrEmpty(request.QueryString) ? "" : "?" + request.QueryString;
        return new(new HttpMethod(request.HttpVerb), $"v1.0/invoke/{ApiTransport.Escape(request.AppId)}/method/{ApiTransport.EscapePath(request.Method)}{query}",
            reply => new InvocationResponse(
                (int)reply.Response.StatusCode,
                reply.Body,
                reply.Response.Content.Headers.ContentType?.ToString(),
                reply.Response.Headers.Concat(reply.Response.Content.Headers).ToDictionary(h => h.Key, h => string.Join(',', h.Value), StringComparer.OrdinalIgnoreCase)),
            content,
            headers =>
            {
                foreach (var (name, value) in request.Headers ?? new Dictionary<string, string>())
                {
                    headers.TryAddWithoutValidation(name, value);
                }
            },
            Checked: false);
    }

    /// <summary>Invokes a method with a JSON body and deserializes the JSON response.</summary>
    /// <typeparam name="TRequest">Request body type.</typeparam>
    /// <typeparam name="TResponse">Response body type.</typeparam>
    /// <param name="appId">Target app id.</param>
    /// <param name="method">Method path.</param>
    /// <param name="body">Request body.</param>
    /// <param name="httpVerb">HTTP verb (default POST).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The deserialized response.</returns>
    /// <exception cref="CloudRuntimesException">The target answered with a non-2xx status (<c>ERR_INVOKE_{status}</c>) or could not be reached.</exception>
    public async Task<TResponse?> InvokeMethodAsync<TRequest, TResponse>(string appId, string method, TRequest body, string httpVerb = "POST", CancellationToken cancellationToken = default)
    {
        var response = await InvokeMethodAsync(new InvocationRequest(appId, method, httpVerb, JsonSerializer.SerializeToUtf8Bytes(body, JsonSerializerOptions.Web), "application/json"), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is < 200 or >= 300)
        {
            throw new CloudRuntimesException(CloudRuntimesError.FromWire($"ERR_INVOKE_{response.StatusCode}", response.StatusCode), $"{appId}/{method} answered {response.StatusCode}: {System.Text.Encoding.UTF8.GetString(response.Body.Span)}");
        }
        return response.Body.Length == 0 ? default : JsonSerializer.Deserialize<TResponse>(response.Body.Span, JsonSerializerOptions.Web);
    }
}
