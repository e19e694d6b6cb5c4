using System.Net.Http.Headers;
using CloudRuntimes.Bindings;

namespace CloudRuntimes.Components.Bindings;

/// <summary>
/// <c>bindings.http</c>: an output binding that sends HTTP requests to <c>url</c> (Dapr's HTTP binding).
/// Operations are the HTTP verbs in lower case (<c>get</c>, <c>head</c>, <c>post</c>, <c>put</c>, <c>patch</c>,
/// <c>delete</c>, <c>options</c>, <c>trace</c>) and <c>create</c> (= <c>post</c>). Request metadata <c>path</c>
/// is appended to the URL's path (it never leaves the URL's host: see <see cref="Http.TargetUrl"/>); every other metadata item is sent as a request header (<c>Content-Type</c> sets the
/// body's type). The response carries the body and metadata <c>statusCode</c> plus the response headers.
/// A status outside 2xx fails with <see cref="CloudRuntimesErrors.InvokeOutputBinding"/>.
/// </summary>
public sealed class HttpBinding : IOutputBinding, IDisposable
{
    private static readonly Dictionary<string, HttpMethod> Verbs = new(StringComparer.Ordinal)
    {
        ["get"] = HttpMethod.Get,
        ["head"] = HttpMethod.Head,
        ["post"] = HttpMethod.Post,
        ["create"] = HttpMethod.Post,
        ["put"] = HttpMethod.Put,
        ["patch"] = HttpMethod.Patch,
        ["delete"] = HttpMethod.Delete,
        ["options"] = HttpMethod.Options,
        ["trace"] = HttpMethod.Trace,
    };

    private readonly HttpClient _client;
    private readonly Uri _baseUrl;
    private readonly string _componentName;

    /// <summary>Creates the binding with its own <see cref="HttpClient"/>.</summary>
    /// <param name="url">The base URL (absolute http or https).</param>
    /// <param name="componentName">Component name.</param>
    /// <param name="timeout">Response timeout; null for 100 s.</param>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.MalformedRequest"/> for a URL that is not absolute http(s).</exception>
    public HttpBinding(string url, string componentName, TimeSpan? timeout = null)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"component '{componentName}' (bindings.http) metadata 'url' must be an absolute http(s) URL, got '{url}'");
        }
        _baseUrl = parsed;
        _componentName = componentName;
        _client = new HttpClient { Timeout = timeout ?? TimeSpan.FromSeconds(100) };
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Operations { get; } = [.. Verbs.Keys];

    /// <inheritdoc />
    public async Task<BindingResponse> InvokeAsync(BindingRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Verbs.TryGetValue(request.Operation, out var verb))
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.NotSupported, $"http binding {_componentName}: operation '{request.Operation}' is not supported; use one of {string.Join(", ", Operations)}");
        }
        var metadata = request.Metadata ?? new Dictionary<string, string>();
        using var message = new HttpRequestMessage(verb, Target(metadata.GetValueOrDefault("path")));
        if (!request.Data.IsEmpty || verb == HttpMethod.Post || verb == HttpMethod.Put || verb == HttpMethod.Patch)
        {
            message.Content = new ReadOnlyMemoryContent(request.Data);
        }
        foreach (var (name, value) in metadata.Where(m => m.Key != "path"))
        {
            if (string.Equals(name, "Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                if (message.Content is not null)
                {
                    message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(value);
                }
            }
            else if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }
        try
        {
            using var response = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is < 200 or > 299)
            {
                throw new CloudRuntimesException(CloudRuntimesErrors.InvokeOutputBinding, $"http binding {_componentName}: {verb} {message.RequestUri} answered {status}: {System.Text.Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 500)))}");
            }
            var responseMetadata = response.Headers.Concat(response.Content.Headers)
                .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
            responseMetadata["statusCode"] = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return new BindingResponse(body, responseMetadata);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.InvokeOutputBinding, $"http binding {_componentName}: {verb} {message.RequestUri} failed: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    /// <summary>The base URL, or the request's <c>path</c> (with its own query after <c>?</c>, as Dapr's binding allows) under it.</summary>
    private Uri Target(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return _baseUrl;
        }
        var query = path.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? Http.TargetUrl.Under(_baseUrl, path.TrimStart('/')) : Http.TargetUrl.Under(_baseUrl, path[..query].TrimStart('/'), path[query..]);
    }
}
