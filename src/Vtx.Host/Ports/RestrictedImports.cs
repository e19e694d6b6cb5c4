using Vtx.Protocol;

namespace Vtx.Host.Ports;

/// <summary>
/// vtx-core's Restricted policy, used while a plugin runs <c>authenticate</c>: reads only.
/// <c>sql.execute</c>, a writing <c>sql.query-json</c> and <c>stream-io.open-file</c> answer
/// <c>err("Permission Denied")</c>.
/// </summary>
internal sealed class RestrictedImports(IVtxDatabase database, IStreamIo streamIo) : ISql, IStreamIo
{
    private const string Denied = "Permission Denied";

    public WitResult<ulong, string> Execute(string statement, IReadOnlyList<DbValue> parameters) => WitResult<ulong, string>.Err(Denied);

    public WitResult<string, string> QueryJson(string statement, IReadOnlyList<DbValue> parameters) => database.QueryJsonReadOnly(statement, parameters);

    public WitResult<VtxBuffer, string> OpenFile(string uuid) => WitResult<VtxBuffer, string>.Err(Denied);

    public VtxBuffer CreateMemoryBuffer(ReadOnlySpan<byte> data) => streamIo.CreateMemoryBuffer(data);
}
