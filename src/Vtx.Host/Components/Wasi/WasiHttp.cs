using Microsoft.Extensions.Logging;
using Vtx.Host.Components.Linking;
using Vtx.Host.Components.Types;

namespace Vtx.Host.Components.Wasi;

/// <summary>
/// <c>wasi:http</c> 0.2 <c>types</c> and <c>outgoing-handler</c> for a plugin that makes requests (componentize-js links
/// them for <c>fetch</c>). An outgoing request is refused with <c>HTTP-request-denied</c> unless its authority is in
/// <see cref="VtxHostOptions.AllowedHttpHosts"/>; an allowed one is sent at once, bounded by the call's deadline and
/// <see cref="VtxHostOptions.MaxHttpResponseBytes"/>. Plugins serve no incoming requests here (world <c>plugin</c>
/// exports <c>handle</c> instead), so the server-side resources cannot be reached.
/// </summary>
internal static class WasiHttp
{
    private static readonly ResourceType Fields = ResourceType.Host<HttpFields>("fields");
    private static readonly ResourceType OutgoingRequest = ResourceType.Host<HttpOutgoingRequest>("outgoing-request");
    private static readonly ResourceType RequestOptions = ResourceType.Host<HttpRequestOptions>("request-options");
    private static readonly ResourceType OutgoingBody = ResourceType.Host<HttpOutgoingBody>("outgoing-body");
    private static readonly ResourceType FutureIncomingResponse = ResourceType.Host<HttpFutureResponse>("future-incoming-response");
    private static readonly ResourceType IncomingResponse = ResourceType.Host<HttpIncomingResponse>("incoming-response");
    private static readonly ResourceType IncomingBody = ResourceType.Host<HttpIncomingBody>("incoming-body");
    private static readonly ResourceType FutureTrailers = ResourceType.Host<HttpFutureTrailers>("future-trailers");
    private static readonly ResourceType IncomingRequest = ResourceType.Host<ServerSide>("incoming-request");
    private static readonly ResourceType ResponseOutparam = ResourceType.Host<ServerSide>("response-outparam");
    private static readonly ResourceType OutgoingResponse = ResourceType.Host<ServerSide>("outgoing-response");

    private static readonly HttpClient Client = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = Timeout.InfiniteTimeSpan };

    public static IEnumerable<HostInterface> Create()
    {
        var types = new HostInterface("wasi:http/types", WasiInterfaces.Version);
        foreach (var resource in new[] { Fields, OutgoingRequest, RequestOptions, OutgoingBody, FutureIncomingResponse, IncomingResponse, IncomingBody, FutureTrailers, IncomingRequest, ResponseOutparam, OutgoingResponse })
        {
            types.Resource(resource);
        }

        types.Resource(WasiResources.InputStream).Resource(WasiResources.OutputStream).Resource(WasiResources.Pollable)
            .Function("http-error-code", (_, _) => WitVariant.None)
            .Function("[constructor]fields", (_, _) => new HttpFields())
            .Function("[static]fields.from-list", (_, a) => HttpFields.FromList((object?[])a[0]!))
            .Function("[method]fields.get", (_, a) => Headers(a).Get((string)a[1]!))
            .Function("[method]fields.has", (_, a) => Headers(a).Has((string)a[1]!))
            .Function("[method]fields.set", (_, a) => Headers(a).Set((string)a[1]!, ((object?[])a[2]!).Cast<byte[]>()))
            .Function("[method]fields.delete", (_, a) => Headers(a).Set((string)a[1]!, []))
            .Function("[method]fields.append", (_, a) => Headers(a).Append((string)a[1]!, (byte[])a[2]!))
            .Function("[method]fields.entries", (_, a) => Headers(a).Entries())
            .Function("[method]fields.clone", (_, a) => Headers(a).Clone())
            .Function("[constructor]outgoing-request", (_, a) => new HttpOutgoingRequest((HttpFields)a[0]!))
            .Function("[method]outgoing-request.body", (_, a) => Request(a).TakeBody())
            .Function("[method]outgoing-request.method", (_, a) => Request(a).Method)
            .Function("[method]outgoing-request.set-method", (_, a) => Set(() => Request(a).Method = (WitVariant)a[1]!))
            .Function("[method]outgoing-request.path-with-query", (_, a) => Option(Request(a).PathWithQuery))
            .Function("[method]outgoing-request.set-path-with-query", (_, a) => Set(() => Request(a).PathWithQuery = Some<string>(a[1])))
            .Function("[method]outgoing-request.scheme", (_, a) => Option(Request(a).Scheme))
            .Function("[method]outgoing-request.set-scheme", (_, a) => Set(() => Request(a).Scheme = Some<WitVariant>(a[1])))
            .Function("[method]outgoing-request.authority", (_, a) => Option(Request(a).Authority))
            .Function("[method]outgoing-request.set-authority", (_, a) => Set(() => Request(a).Authority = Some<string>(a[1])))
            .Function("[method]outgoing-request.headers", (_, a) => Request(a).Headers.Frozen())
            .Function("[constructor]request-options", (_, _) => new HttpRequestOptions())
            .Function("[method]request-options.connect-timeout", (_, _) => WitVariant.None)
            .Function("[method]request-options.set-connect-timeout", (_, _) => WitVariant.Ok())
            .Function("[method]request-options.first-byte-timeout", (_, _) => WitVariant.None)
            .Function("[method]request-options.set-first-byte-timeout", (_, _) => WitVariant.Ok())
            .Function("[method]request-options.between-bytes-timeout", (_, _) => WitVariant.None)
            .Function("[method]request-options.set-between-bytes-timeout", (_, _) => WitVariant.Ok())
            .Function("[method]outgoing-body.write", (_, a) => ((HttpOutgoingBody)a[0]!).TakeStream())
            .Function("[static]outgoing-body.finish", (_, _) => WitVariant.Ok())
            .Function("[method]future-incoming-response.subscribe", (_, _) => Pollable.Ready)
            .Function("[method]future-incoming-response.get", (_, a) => ((HttpFutureResponse)a[0]!).Take())
            .Function("[method]incoming-response.status", (_, a) => ((HttpIncomingResponse)a[0]!).Status)
            .Function("[method]incoming-response.headers", (_, a) => ((HttpIncomingResponse)a[0]!).Headers.Frozen())
            .Function("[method]incoming-response.consume", (_, a) => ((HttpIncomingResponse)a[0]!).TakeBody())
            .Function("[method]incoming-body.stream", (_, a) => ((HttpIncomingBody)a[0]!).TakeStream())
            .Function("[static]incoming-body.finish", (_, _) => new HttpFutureTrailers())
            .Function("[method]future-trailers.subscribe", (_, _) => Pollable.Ready)
            .Function("[method]future-trailers.get", (_, _) => WitVariant.Some(WitVariant.Ok(WitVariant.Ok(WitVariant.None))));
        foreach (var name in new[]
        {
            "[method]incoming-request.method", "[method]incoming-request.path-with-query", "[method]incoming-request.scheme",
            "[method]incoming-request.authority", "[method]incoming-request.headers", "[method]incoming-request.consume",
            "[static]response-outparam.set", "[method]response-outparam.send-informational", "[constructor]outgoing-response",
            "[method]outgoing-response.status-code", "[method]outgoing-response.set-status-code", "[method]outgoing-response.headers",
            "[method]outgoing-response.body",
        })
        {
            types.Function(name, (host, _) => throw new VtxPluginException(VtxErrorCode.InvalidHandle,
                $"Plugin '{host.PluginId}' used an incoming-request or response, but plugins are not served over wasi:http.", host.PluginId));
        }

        return
        [
            types,
            new HostInterface("wasi:http/outgoing-handler", WasiInterfaces.Version)
                .Resource(OutgoingRequest).Resource(RequestOptions).Resource(FutureIncomingResponse)
                .Function("handle", (host, a) => Send(host, (HttpOutgoingRequest)a[0]!)),
        ];
    }

    private static HttpFields Headers(object?[] a) => (HttpFields)a[0]!;

    private static HttpOutgoingRequest Request(object?[] a) => (HttpOutgoingRequest)a[0]!;

    private static WitVariant Set(Action set)
    {
        set();
        return WitVariant.Ok();
    }

    private static WitVariant Option(object? value) => value is null ? WitVariant.None : WitVariant.Some(value);

    private static T? Some<T>(object? option) where T : class => ((WitVariant)option!).Value as T;

    /// <summary><c>outgoing-handler.handle</c>: refused unless the authority is allowed; an allowed request is sent now.</summary>
    private static WitVariant Send(HostContext host, HttpOutgoingRequest request)
    {
        var authority = request.Authority ?? "";
        var allowed = host.Options.AllowedHttpHosts;
        var hostName = authority.Split(':')[0];
        if (!allowed.Contains(authority, StringComparer.OrdinalIgnoreCase) && !allowed.Contains(hostName, StringComparer.OrdinalIgnoreCase))
        {
            host.Logger.LogWarning("Plugin {PluginId}: outgoing HTTP request to '{Authority}' refused (not in AllowedHttpHosts)", host.PluginId, authority);
            return WitVariant.Err(new WitVariant("HTTP-request-denied"));
        }

        var scheme = request.Scheme?.Case switch
        {
            "HTTP" => "http",
            "other" => (string)request.Scheme.Value!,
            _ => "https",
        };
        using var message = new HttpRequestMessage(new HttpMethod(MethodName(request.Method)), $"{scheme}://{authority}{request.PathWithQuery ?? "/"}");
        var body = request.Body?.Bytes ?? [];
        message.Content = new ByteArrayContent(body);
        foreach (var (name, value) in request.Headers.Pairs)
        {
            var text = System.Text.Encoding.Latin1.GetString(value);
            if (!message.Headers.TryAddWithoutValidation(name, text))
            {
                message.Content.Headers.TryAddWithoutValidation(name, text);
            }
        }

        try
        {
            using var timeout = new CancellationTokenSource(host.Remaining == TimeSpan.MaxValue ? Timeout.InfiniteTimeSpan : host.Remaining);
            using var response = Client.Send(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            using var stream = response.Content.ReadAsStream(timeout.Token);
            var bytes = ReadBounded(stream, host.Options.MaxHttpResponseBytes);
            var headers = new HttpFields();
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                foreach (var value in values)
                {
                    headers.Append(name, System.Text.Encoding.Latin1.GetBytes(value));
                }
            }

            return WitVariant.Ok(new HttpFutureResponse(WitVariant.Ok(new HttpIncomingResponse((ushort)response.StatusCode, headers, bytes))));
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException or InvalidDataException)
        {
            return WitVariant.Ok(new HttpFutureResponse(WitVariant.Err(new WitVariant("internal-error", WitVariant.Some(ex.Message)))));
        }
    }

    private static byte[] ReadBounded(Stream stream, long limit)
    {
        using var copy = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            if (copy.Length + read > limit)
            {
                throw new InvalidDataException($"the response body is larger than the host's limit of {limit} bytes");
            }

            copy.Write(chunk, 0, read);
        }

        return copy.ToArray();
    }

    private static string MethodName(WitVariant method) => method.Case == "other" ? (string)method.Value! : method.Case.ToUpperInvariant();
}

/// <summary><c>fields</c>: ordered header names and values; the copies handed out by <c>headers()</c> are immutable.</summary>
internal sealed class HttpFields
{
    private readonly List<(string Name, byte[] Value)> _pairs = [];
    private bool _immutable;

    public IReadOnlyList<(string Name, byte[] Value)> Pairs => _pairs;

    public static WitVariant FromList(object?[] entries)
    {
        var fields = new HttpFields();
        foreach (object?[] entry in entries.Cast<object?[]>())
        {
            if (fields.Append((string)entry[0]!, (byte[])entry[1]!) is { Case: "error" } error)
            {
                return error;
            }
        }

        return WitVariant.Ok(fields);
    }

    public object?[] Get(string name) => _pairs.Where(p => Same(p.Name, name)).Select(p => (object?)p.Value).ToArray();

    public bool Has(string name) => _pairs.Any(p => Same(p.Name, name));

    public WitVariant Set(string name, IEnumerable<byte[]> values)
    {
        if (_immutable)
        {
            return WitVariant.Err(new WitVariant("immutable"));
        }

        if (!Valid(name))
        {
            return WitVariant.Err(new WitVariant("invalid-syntax"));
        }

        _pairs.RemoveAll(p => Same(p.Name, name));
        _pairs.AddRange(values.Select(v => (name, v)));
        return WitVariant.Ok();
    }

    public WitVariant Append(string name, byte[] value)
    {
        if (_immutable)
        {
            return WitVariant.Err(new WitVariant("immutable"));
        }

        if (!Valid(name))
        {
            return WitVariant.Err(new WitVariant("invalid-syntax"));
        }

        _pairs.Add((name, value));
        return WitVariant.Ok();
    }

    public object?[] Entries() => _pairs.Select(p => (object?)new object?[] { p.Name, p.Value }).ToArray();

    public HttpFields Clone()
    {
        var copy = new HttpFields();
        copy._pairs.AddRange(_pairs);
        return copy;
    }

    public HttpFields Frozen()
    {
        var copy = Clone();
        copy._immutable = true;
        return copy;
    }

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    /// <summary>A header name is an RFC 9110 token.</summary>
    private static bool Valid(string name) => name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c));
}

/// <summary><c>outgoing-request</c>: what the plugin sets before handing it to <c>outgoing-handler.handle</c>.</summary>
internal sealed class HttpOutgoingRequest(HttpFields headers)
{
    private bool _bodyTaken;

    public HttpFields Headers { get; } = headers.Frozen();

    public WitVariant Method { get; set; } = new("get");

    public string? PathWithQuery { get; set; }

    public WitVariant? Scheme { get; set; }

    public string? Authority { get; set; }

    public HttpOutgoingBody? Body { get; private set; }

    public WitVariant TakeBody()
    {
        if (_bodyTaken)
        {
            return WitVariant.Err();
        }

        _bodyTaken = true;
        Body = new HttpOutgoingBody();
        return WitVariant.Ok(Body);
    }
}

/// <summary><c>outgoing-body</c>: its stream collects the bytes written (up to 16 MiB).</summary>
internal sealed class HttpOutgoingBody : IDisposable
{
    private readonly BufferOutputStream _stream = new(16 * 1024 * 1024);
    private bool _streamTaken;

    public byte[] Bytes => _stream.ToArray();

    public WitVariant TakeStream()
    {
        if (_streamTaken)
        {
            return WitVariant.Err();
        }

        _streamTaken = true;
        return WitVariant.Ok(_stream);
    }

    public void Dispose() => _stream.Dispose();
}

/// <summary>An output stream into memory, closed past its capacity.</summary>
internal sealed class BufferOutputStream(int capacity) : OutputStream
{
    private readonly MemoryStream _bytes = new();

    public override ulong Capacity => (ulong)Math.Max(0, capacity - _bytes.Length);

    public override bool Write(ReadOnlySpan<byte> bytes)
    {
        if (_bytes.Length + bytes.Length > capacity)
        {
            return false;
        }

        _bytes.Write(bytes);
        return true;
    }

    public byte[] ToArray() => _bytes.ToArray();
}

/// <summary><c>request-options</c>: accepted; the call's deadline bounds every request.</summary>
internal sealed class HttpRequestOptions;

/// <summary><c>future-incoming-response</c>: already resolved (requests are sent synchronously); <c>get</c> gives it once.</summary>
internal sealed class HttpFutureResponse(WitVariant result)
{
    private bool _taken;

    public WitVariant Take()
    {
        if (_taken)
        {
            return WitVariant.Some(WitVariant.Err());
        }

        _taken = true;
        return WitVariant.Some(WitVariant.Ok(result));
    }
}

/// <summary><c>incoming-response</c>: status, headers and the whole body read.</summary>
internal sealed class HttpIncomingResponse(ushort status, HttpFields headers, byte[] body)
{
    private bool _consumed;

    public ushort Status => status;

    public HttpFields Headers => headers;

    public WitVariant TakeBody()
    {
        if (_consumed)
        {
            return WitVariant.Err();
        }

        _consumed = true;
        return WitVariant.Ok(new HttpIncomingBody(body));
    }
}

/// <summary><c>incoming-body</c>: one input stream over the body.</summary>
internal sealed class HttpIncomingBody(byte[] body)
{
    private bool _taken;

    public WitVariant TakeStream()
    {
        if (_taken)
        {
            return WitVariant.Err();
        }

        _taken = true;
        return WitVariant.Ok(new InputStream(body));
    }
}

/// <summary><c>future-trailers</c>: always resolved with no trailers.</summary>
internal sealed class HttpFutureTrailers;

/// <summary>The server-side resources (incoming request, response outparam, outgoing response): never handed to plugins.</summary>
internal sealed class ServerSide;
