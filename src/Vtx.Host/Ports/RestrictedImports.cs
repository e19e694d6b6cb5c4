using Vtx.Protocol;

namespace Vtx.Host.Ports;

/// <summary>
/// vtx-core's Restricted policy, used while a plugin runs <c>authenticate</c>: reads only. The <c>sql</c> import is the
/// database's read-only one (<see cref="IVtxDatabase.ForCall"/>: <c>sql.execute</c> and a writing <c>sql.query-json</c>
/// answer <c>err("Permission Denied")</c>); <c>stream-io.open-file</c> answers the same.
/// </summary>
internal sealed class RestrictedImports(ISql readOnlySql, IStreamIo streamIo) : ISql, IStreamIo
{
    private const string Denied = "Permission Denied";

    public WitResult<ulong, string> Execute(string statement, IReadOnlyList<DbValue> parameters) => readOnlySql.Execute(statement, parameters);

    public WitResult<string, string> QueryJson(string statement, IReadOnlyList<DbValue> parameters) => readOnlySql.QueryJson(statement, parameters);

    public WitResult<VtxBuffer, string> OpenFile(string uuid) => WitResult<VtxBuffer, string>.Err(Denied);

    public VtxBuffer CreateMemoryBuffer(ReadOnlySpan<byte> data) => streamIo.CreateMemoryBuffer(data);
}
