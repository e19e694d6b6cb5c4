namespace Vtx.Protocol;

/// <summary>WIT <c>types.http-request</c>: the request a plugin's <c>handle</c> export receives.</summary>
/// <param name="Method">HTTP method in upper case, e.g. <c>GET</c>.</param>
/// <param name="Path">The request path after the plugin's entrypoint: empty or starting with <c>/</c>.</param>
/// <param name="Query">The raw query string without the leading <c>?</c>; empty when there is none.</param>
public sealed record HttpRequest(string Method, string Path, string Query);
