using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Vtx.AspNetCore;

/// <summary>
/// The path and query of a request as the client sent them, as vtx-core hands them to plugins (hyper's
/// <c>uri.path()</c> and <c>uri.query()</c>): nothing percent-decoded, no dot segments removed. ASP.NET Core's
/// <see cref="HttpRequest.Path"/> is decoded and normalised, so the request line's target is read instead.
/// </summary>
internal static class RequestTarget
{
    /// <summary>The raw path and the raw query (without <c>?</c>, empty when absent) of <paramref name="context"/>'s request.</summary>
    public static (string Path, string Query) Read(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target))
        {
            // A server that does not keep the request line: the closest is the decoded path, escaped again.
            var request = context.Request;
            target = request.PathBase.ToUriComponent() + request.Path.ToUriComponent() + request.QueryString.ToUriComponent();
        }

        return Split(target);
    }

    /// <summary>
    /// Splits a request target into path and query. An absolute-form target (<c>http://host/p?q</c>) loses its
    /// scheme and authority, as in <c>uri.path()</c> (<c>/</c> when it has no path); a fragment is dropped.
    /// </summary>
    private static (string Path, string Query) Split(string target)
    {
        var fragment = target.IndexOf('#', StringComparison.Ordinal);
        if (fragment >= 0)
        {
            target = target[..fragment];
        }

        var scheme = target.StartsWith('/') ? -1 : target.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            var rest = target.IndexOfAny(['/', '?'], scheme + 3);
            target = rest < 0 ? "/" : target[rest] == '?' ? "/" + target[rest..] : target[rest..];
        }

        var query = target.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? (target, "") : (target[..query], target[(query + 1)..]);
    }
}
