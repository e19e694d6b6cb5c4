using System.Text;
using Vtx.Host.Components.Linking;
using Vtx.Host.Components.Types;
using Vtx.Protocol;

namespace Vtx.Host.Runtime;

/// <summary>
/// The imports of world <c>plugin</c> as host interfaces: <c>sql</c> and <c>stream-io</c> call the store's
/// <see cref="ISql"/> and <see cref="IStreamIo"/> (already restricted for <c>authenticate</c>) within the sandbox's
/// bounds, and <c>types</c> and <c>auth-types</c> only carry types. Exceptions thrown here trap the calling plugin.
/// </summary>
internal static class VtxInterfaces
{
    public static IEnumerable<HostInterface> Create() =>
    [
        new HostInterface($"{PluginWorld.Package}/sql", PluginWorld.Version)
            .Function("execute", (host, args) => Result(host.Sql.Execute((string)args[0]!, DbValues(args[1]))), PluginWorld.Execute)
            .Function("query-json", (host, args) => QueryJson(host, (string)args[0]!, DbValues(args[1])), PluginWorld.QueryJson),
        new HostInterface($"{PluginWorld.Package}/stream-io", PluginWorld.Version)
            .Resource(PluginWorld.Buffer)
            .Function("open-file", (host, args) => Result(host.StreamIo.OpenFile((string)args[0]!)), PluginWorld.OpenFile)
            .Function("create-memory-buffer", (host, args) => CreateMemoryBuffer(host, (byte[])args[0]!), PluginWorld.CreateMemoryBuffer)
            .Function("[method]buffer.size", (_, args) => ((VtxBuffer)args[0]!).Size, PluginWorld.BufferSize)
            .Function("[method]buffer.read", (host, args) =>
                ((VtxBuffer)args[0]!).Read((ulong)args[1]!, Math.Min((ulong)args[2]!, (ulong)host.Options.MaxBufferReadBytes)), PluginWorld.BufferRead),
        new HostInterface($"{PluginWorld.Package}/types", PluginWorld.Version).Resource(PluginWorld.Buffer),
        new HostInterface($"{PluginWorld.Package}/auth-types", PluginWorld.Version),
    ];

    private static WitVariant Result<T>(WitResult<T, string> result) => result.IsOk ? WitVariant.Ok(result.Value) : WitVariant.Err(result.Error);

    private static WitVariant QueryJson(HostContext host, string statement, DbValue[] parameters)
    {
        // The database's SQL port stops the query at its result limit while rows stream.
        return Result(host.Sql.QueryJson(statement, parameters));
    }

    private static VtxBuffer CreateMemoryBuffer(HostContext host, byte[] data)
    {
        host.MemoryBufferBytes += data.Length;
        if (host.MemoryBufferBytes > host.Options.MaxMemoryBufferBytes)
        {
            throw new VtxPluginException(VtxErrorCode.ResourceLimit,
                $"Plugin '{host.PluginId}' put more than {host.Options.MaxMemoryBufferBytes} bytes into memory buffers.", host.PluginId);
        }

        return host.StreamIo.CreateMemoryBuffer(data);
    }

    /// <summary>Converts a lifted <c>list&lt;db-value&gt;</c>.</summary>
    private static DbValue[] DbValues(object? list) => ((object?[])list!).Select(item => (WitVariant)item! switch
    {
        { Case: "text", Value: string text } => new DbValue.Text(text),
        { Case: "integer", Value: long integer } => new DbValue.Integer(integer),
        { Case: "real", Value: double real } => (DbValue)new DbValue.Real(real),
        _ => DbValue.NullValue,
    }).ToArray();
}
