namespace Vtx.Protocol;

/// <summary>
/// The exports of world <c>plugin</c> (vtx:api@1.2.6): what every plugin offers the host, whether
/// it runs as WebAssembly or in-process .NET code. Calls are synchronous, like the canonical ABI.
/// </summary>
public interface IVtxPlugin
{
    /// <summary>Export <c>handle</c>: serves one request routed to the plugin.</summary>
    /// <param name="request">The request (path relative to the entrypoint).</param>
    /// <returns>The response; its body is owned by the caller.</returns>
    HttpResponse Handle(HttpRequest request);

    /// <summary>Export <c>get-migrations</c>: ordered, append-only SQL migrations (the index is the version).</summary>
    /// <returns>SQL statements, one per migration.</returns>
    IReadOnlyList<string> GetMigrations();

    /// <summary>Export <c>get-manifest</c>: identity and route.</summary>
    /// <returns>The manifest.</returns>
    Manifest GetManifest();

    /// <summary>Export <c>get-resources</c>: names of the tables the plugin owns.</summary>
    /// <returns>Table names.</returns>
    IReadOnlyList<string> GetResources();

    /// <summary>
    /// Export <c>authenticate</c>: accepts the request headers or answers an HTTP status; 401 lets
    /// the next plugin in the chain try.
    /// </summary>
    /// <param name="headers">Request headers as (lower-case name, value) pairs, in request order.</param>
    /// <returns><c>ok(user-context)</c> or <c>err(status)</c>.</returns>
    WitResult<UserContext, ushort> Authenticate(IReadOnlyList<KeyValuePair<string, string>> headers);
}
