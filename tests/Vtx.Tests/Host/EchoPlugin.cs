using System.Text;
using Vtx.Protocol;

namespace Vtx.Tests.Host;

/// <summary>An in-process plugin that answers "METHOD|path|query" and authenticates a fixed token.</summary>
internal sealed class EchoPlugin(string id, string entrypoint, IReadOnlyList<string>? migrations = null, IStreamIo? io = null) : IVtxPlugin
{
    public HttpResponse Handle(HttpRequest request) =>
        new(200, io!.CreateMemoryBuffer(Encoding.UTF8.GetBytes($"{id}|{request.Method}|{request.Path}|{request.Query}")));

    public IReadOnlyList<string> GetMigrations() => migrations ?? [];

    public Manifest GetManifest() => new(id, id, "1.0.0", "echo", entrypoint);

    public IReadOnlyList<string> GetResources() => [];

    public WitResult<UserContext, ushort> Authenticate(IReadOnlyList<KeyValuePair<string, string>> headers) =>
        headers.Any(h => h.Key == "authorization" && h.Value == "Token " + id)
            ? WitResult<UserContext, ushort>.Ok(new UserContext(id, id, [], "{}"))
            : WitResult<UserContext, ushort>.Err(401);
}
