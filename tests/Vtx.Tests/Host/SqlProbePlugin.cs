using Vtx.Protocol;

namespace Vtx.Tests.Host;

/// <summary>An in-process plugin whose authenticate reports a read and a write through query-json.</summary>
internal sealed class SqlProbePlugin(ISql sql) : IVtxPlugin
{
    public HttpResponse Handle(HttpRequest request) => new(404, null);

    public IReadOnlyList<string> GetMigrations() => [];

    public Manifest GetManifest() => new("probe", "probe", "1", "", "/probe");

    public IReadOnlyList<string> GetResources() => [];

    public WitResult<UserContext, ushort> Authenticate(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        var read = sql.QueryJson("SELECT name FROM users", []);
        var write = sql.QueryJson("DELETE FROM users RETURNING name", []);
        return WitResult<UserContext, ushort>.Ok(new UserContext("p", read.IsOk ? read.Value : read.Error, [], write.IsOk ? write.Value : write.Error));
    }
}
