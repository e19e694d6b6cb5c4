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

    /// <summary>The synchronous <see cref="SendCheckedAsync"/>: <see cref="HttpClient.Send(HttpRequestMessage, HttpCompletionOption)"/>, no blocking on a task.</summary>
    public HttpResponseMessage SendChecked(HttpMethod method, string path, HttpContent? content, Action<HttpRequestHeaders>? headers = null, Func<HttpStatusCode, string, string>? mapCode = null)
    {
        using var request = Request(method, path, content, headers);
        HttpResponseMessage response;
        try
        {
            response = Http.Send(request, HttpCompletionOption.ResponseContentRead);
        }
        catch (HttpRequestException e)
        {
            throw Unreachable(method, path, e);
        }
        if (response.IsSuccessStatusCode)
        {
            return response;
        }
        using (response)
        {
            using var reader = new StreamReader(response.Content.ReadAsStream());
            throw Failure(method, path, response, reader.ReadToEnd(), mapCode);
        }
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
