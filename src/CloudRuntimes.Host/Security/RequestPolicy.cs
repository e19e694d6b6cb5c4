using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace CloudRuntimes.Host.Security;

/// <summary>
/// The one request policy of the server, applied to every way in (the HTTP API, plugin routes and whatever else the
/// server listens for) before anything else runs:
/// <list type="number">
/// <item><description><b>Host</b>: while the server listens on a loopback address, the request's <c>Host</c> must name a
/// loopback host (<c>localhost</c>, <c>*.localhost</c>, <c>127.0.0.0/8</c>, <c>[::1]</c>), so a DNS-rebinding page
/// (<c>Host: attacker.example</c> resolving to 127.0.0.1) is refused: 403 <c>ERR_HOST_NOT_ALLOWED</c>.</description></item>
/// <item><description><b>Origin</b>: a request carrying an <c>Origin</c> header (every browser request but a same-origin
/// GET) must come from the server's own origin or one of <c>--allowed-origins</c> (Dapr's flag; default none, <c>*</c>
/// for any), so a web page cannot drive the API with "simple" cross-origin requests: 403 <c>ERR_ORIGIN_NOT_ALLOWED</c>.</description></item>
/// <item><description><b>API token</b>: with <c>DAPR_API_TOKEN</c> set, every request but the health checks carries it in
/// <c>dapr-api-token</c> (a header, or gRPC metadata), compared in constant time: otherwise 401 <c>invalid api token</c>
/// (Dapr's plain-text answer; gRPC: Unauthenticated).</description></item>
/// </list>
/// Over gRPC the host and origin refusals are PermissionDenied (their catalogue entries' gRPC status).
/// </summary>
internal sealed class RequestPolicy
{
    /// <summary>The header that carries the API token (Dapr's).</summary>
    public const string TokenHeader = "dapr-api-token";

    private readonly byte[]? _tokenHash;
    private readonly bool _loopbackOnly;
    private readonly bool _anyOrigin;
    private readonly HashSet<string> _origins;

    public RequestPolicy(RuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _tokenHash = options.ApiToken is { Length: > 0 } token ? SHA256.HashData(Encoding.UTF8.GetBytes(token)) : null;
        _loopbackOnly = IsLoopbackHost(options.ListenAddress);
        _anyOrigin = options.AllowedOrigins.Contains("*");
        _origins = new HashSet<string>(options.AllowedOrigins.Select(NormalizeOrigin), StringComparer.Ordinal);
    }

    /// <summary>Decides on one request.</summary>
    /// <param name="scheme">The request's scheme (<c>http</c>).</param>
    /// <param name="host">The <c>Host</c> header (or HTTP/2 <c>:authority</c>), with its port; null when absent.</param>
    /// <param name="origin">The <c>Origin</c> header; null when absent.</param>
    /// <param name="token">The <c>dapr-api-token</c> header; null when absent.</param>
    /// <param name="isHealthCheck">True for the health checks, which need no token (as Dapr).</param>
    /// <returns>Null to let the request through; otherwise why it is refused.</returns>
    public PolicyRefusal? Check(string scheme, string? host, string? origin, string? token, bool isHealthCheck)
    {
        if (_loopbackOnly && !string.IsNullOrEmpty(host) && !IsLoopbackHost(HostName(host)))
        {
            return new PolicyRefusal(CloudRuntimesErrors.HostNotAllowed,
                $"host '{host}' is not allowed: the server listens on a loopback address and answers requests for loopback hosts only");
        }
        if (!string.IsNullOrEmpty(origin) && !OriginAllowed(scheme, host, origin))
        {
            return new PolicyRefusal(CloudRuntimesErrors.OriginNotAllowed,
                $"origin '{origin}' is not allowed (start the server with --allowed-origins {origin} to allow it)");
        }
        if (_tokenHash is not null && !isHealthCheck && !TokenMatches(token))
        {
            return new PolicyRefusal(null, "invalid api token");
        }
        return null;
    }

    private bool OriginAllowed(string scheme, string? host, string origin)
    {
        if (_anyOrigin)
        {
            return true;
        }
        var normalized = NormalizeOrigin(origin);
        return _origins.Contains(normalized) || (host is not null && normalized == NormalizeOrigin($"{scheme}://{host}"));
    }

    private bool TokenMatches(string? token) =>
        token is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(token)), _tokenHash);

    /// <summary>An origin as browsers send it: lowercase, no trailing slash.</summary>
    private static string NormalizeOrigin(string origin) => origin.Trim().TrimEnd('/').ToLowerInvariant();

    /// <summary>The host of a <c>Host</c> header value, without its port (<c>[::1]:3500</c> → <c>::1</c>).</summary>
    private static string HostName(string host)
    {
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']', StringComparison.Ordinal);
            return close > 0 ? host[1..close] : host;
        }
        var colon = host.LastIndexOf(':');
        return colon >= 0 && host.IndexOf(':', StringComparison.Ordinal) == colon ? host[..colon] : host;
    }

    /// <summary>True for <c>localhost</c>, a <c>.localhost</c> name (RFC 6761) and loopback addresses.</summary>
    internal static bool IsLoopbackHost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
}

/// <summary>Why the <see cref="RequestPolicy"/> refused a request.</summary>
/// <param name="Error">The catalogue entry of the JSON error body (403 for host and origin); null for the token's plain-text 401 answer (as Dapr).</param>
/// <param name="Message">What was refused and why.</param>
internal sealed record PolicyRefusal(CloudRuntimesError? Error, string Message);
