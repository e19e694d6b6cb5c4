using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CloudRuntimes.Client;

/// <summary>HTTP plumbing shared by the block clients: the API token, metadata query parameters, and Dapr error bodies.</summary>
internal sealed class ApiTransport(HttpClient http, string? apiToken)
{
    public HttpClient Http { get; } = http;

    public static string Escape(string segment) => Uri.EscapeDataString(segment);

    /// <summary>Escapes each '/'-separated segment of a path that may span several segments (topics, methods, file names).</summary>
    public static string EscapePath(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

    public static string Query(IReadOnlyDictionary<string, string>? metadata, params (string Name, string? Value)[] extra)
    {
        var parts = new List<string>();
        foreach (var (name, value) in extra)
        {
            if (value is not null)
            {
                parts.Add($"{Escape(name)}={Escape(value)}");
            }
        }
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            parts.Add($"metadata.{Escape(key)}={Escape(value)}");
        }
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    public static HttpContent Json(JsonNode node) => new StringContent(node.ToJsonString(), Encoding.UTF8, "application/json");

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken, Action<HttpRequestHeaders>? headers = null)
    {
        using var request = Request(method, path, content, headers);
        try
        {
            return await Http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw Unreachable(method, path, e);
        }
    }

    /// <summary>Sends and throws a <see cref="CloudRuntimesException"/> carrying the server's error code unless the status is a success.</summary>
    public async Task<HttpResponseMessage> SendCheckedAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken, Action<HttpRequestHeaders>? headers = null, Func<HttpStatusCode, string, string>? mapCode = null)
    {
        var response = await SendAsync(method, path, content, cancellationToken, headers).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }
        using (response)
        {
            throw Failure(method, path, response, await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false), mapCode);
        }
    }

    /// <summary>Runs an operation asynchronously: sends its request, buffers the response and parses it.</summary>
    public async Task<T> CallAsync<T>(ApiOperation<T> operation, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(operation.Method, operation.Path, operation.Content, cancellationToken, operation.Headers).ConfigureAwait(false);
        return Reply(operation, response, await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Runs an operation synchronously with <see cref="HttpClient.Send(HttpRequestMessage, HttpCompletionOption)"/> and a
    /// synchronous read of the buffered body: no task is waited on. Same request and parsing as <see cref="CallAsync{T}"/>.
    /// </summary>
    public T Call<T>(ApiOperation<T> operation)
    {
        using var request = Request(operation.Method, operation.Path, operation.Content, operation.Headers);
        HttpResponseMessage response;
        try
        {
            response = Http.Send(request, HttpCompletionOption.ResponseContentRead);
        }
        catch (HttpRequestException e)
        {
            throw Unreachable(operation.Method, operation.Path, e);
        }
        using (response)
        {
            using var body = new MemoryStream();
            response.Content.ReadAsStream().CopyTo(body);
            return Reply(operation, response, body.ToArray());
        }
    }

    private static T Reply<T>(ApiOperation<T> operation, HttpResponseMessage response, byte[] body)
    {
        if (operation.Checked && !response.IsSuccessStatusCode)
        {
            throw Failure(operation.Method, operation.Path, response, Encoding.UTF8.GetString(body), operation.MapCode);
        }
        return operation.Parse(new ApiReply(response, body));
    }

    private HttpRequestMessage Request(HttpMethod method, string path, HttpContent? content, Action<HttpRequestHeaders>? headers)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (apiToken is not null)
        {
            request.Headers.TryAddWithoutValidation("dapr-api-token", apiToken);
        }
        headers?.Invoke(request.Headers);
        return request;
    }

    private CloudRuntimesException Unreachable(HttpMethod method, string path, HttpRequestException e) =>
        new(CloudRuntimesErrors.RuntimeUnavailable, $"{method} {path}: the runtime at {Http.BaseAddress} cannot be reached: {e.Message}", e);

    private static CloudRuntimesException Failure(HttpMethod method, string path, HttpResponseMessage response, string text, Func<HttpStatusCode, string, string>? mapCode)
    {
        var (code, message) = ParseError(text);
        code ??= $"ERR_HTTP_{(int)response.StatusCode}";
        code = mapCode?.Invoke(response.StatusCode, code) ?? code;
        return new CloudRuntimesException(CloudRuntimesError.FromWire(code, (int)response.StatusCode), $"{method} {path} failed with {(int)response.StatusCode}: {message ?? text}");
    }

    private static (string? Code, string? Message) ParseError(string text)
    {
        try
        {
            var json = JsonNode.Parse(text) as JsonObject;
            return (json?["errorCode"]?.GetValue<string>(), json?["message"]?.GetValue<string>());
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }
}
