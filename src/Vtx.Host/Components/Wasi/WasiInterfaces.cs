using Vtx.Host.Components.Linking;

namespace Vtx.Host.Components.Wasi;

/// <summary>
/// The WASI 0.2 interfaces of the host: <c>wasi:cli</c>, <c>wasi:io</c>, <c>wasi:clocks</c>, <c>wasi:random</c>,
/// <c>wasi:filesystem</c> and <c>wasi:http</c> (types, outgoing-handler). A component may import any 0.2.x version.
/// </summary>
internal static class WasiInterfaces
{
    /// <summary>The WASI release the host implements; any 0.2.x import matches.</summary>
    public const string Version = "0.2.12";

    public static IEnumerable<HostInterface> Create() =>
        WasiIo.Create().Concat(WasiCli.Create()).Concat(WasiClocksAndRandom.Create()).Concat(WasiFilesystem.Create()).Concat(WasiHttp.Create());
}
