using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Rototo.FeatureManagement.AspNetCore;

/// <summary>
/// The context of the current request: <see cref="RototoFeatureOptions.Context"/> with the request's facts merged over
/// it (<see cref="RototoHttpContextOptions"/>: user id, claims, headers), built once per request and kept in
/// <c>HttpContext.Items</c>, so a request's evaluations share one context (validated once). Outside a request, the base
/// context. Register your own <see cref="IRototoContextAccessor"/> to build it differently.
/// </summary>
public sealed class HttpContextRototoContextAccessor : IRototoContextAccessor
{
    private static readonly object ItemKey = new();

    private readonly IHttpContextAccessor _http;
    private readonly RototoHttpContextOptions _options;
    private readonly JsonObject _base;
    private readonly ResolveContext _baseContext;

    /// <summary>Creates the accessor (the container does this).</summary>
    /// <param name="http">The HTTP context accessor.</param>
    /// <param name="features">The base context.</param>
    /// <param name="options">The request mappings.</param>
    public HttpContextRototoContextAccessor(IHttpContextAccessor http, RototoFeatureOptions features, RototoHttpContextOptions options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(options);
        _http = http;
        _options = options;
        _base = features.Context;
        _baseContext = ResolveContext.From(features.Context);
    }

    /// <inheritdoc />
    public ValueTask<ResolveContext> GetContextAsync()
    {
        if (_http.HttpContext is not { } http)
        {
            return ValueTask.FromResult(_baseContext);
        }
        if (http.Items.TryGetValue(ItemKey, out var cached) && cached is ResolveContext context)
        {
            return ValueTask.FromResult(context);
        }
        context = Build(http);
        http.Items[ItemKey] = context;
        return ValueTask.FromResult(context);
    }

    private ResolveContext Build(HttpContext http)
    {
        var facts = new JsonObject();
        if (_options.UserIdPath is { Length: > 0 } userPath && UserId(http.User) is { } id)
        {
            Set(facts, userPath, id);
        }
        foreach (var (claimType, path) in _options.Claims)
        {
            if (http.User.FindFirst(claimType)?.Value is { } value)
            {
                Set(facts, path, value);
            }
        }
        foreach (var (header, path) in _options.Headers)
        {
            if (http.Request.Headers.TryGetValue(header, out var values) && values.Count > 0 && values[0] is { } value)
            {
                Set(facts, path, value);
            }
        }
        return facts.Count == 0 ? _baseContext : ResolveContext.Merge([_base, facts]);
    }

    private static string? UserId(ClaimsPrincipal user) =>
        user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? user.FindFirst("sub")?.Value ?? user.Identity?.Name;

    /// <summary>Puts <paramref name="value"/> at the dot-separated <paramref name="path"/>, unless it is too long.</summary>
    private void Set(JsonObject target, string path, string value)
    {
        if (value.Length > _options.MaxValueLength)
        {
            return;
        }
        var segments = path.Split('.');
        var node = target;
        foreach (var segment in segments[..^1])
        {
            if (node[segment] is not JsonObject child)
            {
                child = [];
                node[segment] = child;
            }
            node = child;
        }
        node[segments[^1]] = value;
    }
}
