using Vtx.Host.Components.Linking;
using Vtx.Host.Components.Types;

namespace Vtx.Host.Components.Wasi;

/// <summary>
/// <c>wasi:cli</c> 0.2 in the plugin sandbox: the fixed environment and arguments of <see cref="WasiContext"/>, no
/// working directory, an empty stdin, stdout and stderr to the log, no terminals, and <c>exit</c> ending the call with
/// an error (a plugin instance cannot end the host).
/// </summary>
internal static class WasiCli
{
    public static IEnumerable<HostInterface> Create() =>
    [
        new HostInterface("wasi:cli/environment", WasiInterfaces.Version)
            .Function("get-environment", (_, _) => WasiContext.Environment.Select(e => (object?)new object?[] { e.Name, e.Value }).ToArray())
            .Function("get-arguments", (_, _) => WasiContext.Arguments.Cast<object?>().ToArray())
            .Function("initial-cwd", (_, _) => WitVariant.None),
        new HostInterface("wasi:cli/exit", WasiInterfaces.Version)
            .Function("exit", (host, a) => throw Exit(host, ((WitVariant)a[0]!).IsCase("ok") ? "success" : "failure"))
            .Function("exit-with-code", (host, a) => throw Exit(host, "code " + (byte)a[0]!)),
        new HostInterface("wasi:cli/stdin", WasiInterfaces.Version)
            .Resource(WasiResources.InputStream)
            .Function("get-stdin", (_, _) => InputStream.Empty()),
        new HostInterface("wasi:cli/stdout", WasiInterfaces.Version)
            .Resource(WasiResources.OutputStream)
            .Function("get-stdout", (host, _) => host.Wasi.Stdout),
        new HostInterface("wasi:cli/stderr", WasiInterfaces.Version)
            .Resource(WasiResources.OutputStream)
            .Function("get-stderr", (host, _) => host.Wasi.Stderr),
        new HostInterface("wasi:cli/terminal-input", WasiInterfaces.Version).Resource(WasiResources.TerminalInput),
        new HostInterface("wasi:cli/terminal-output", WasiInterfaces.Version).Resource(WasiResources.TerminalOutput),
        new HostInterface("wasi:cli/terminal-stdin", WasiInterfaces.Version)
            .Resource(WasiResources.TerminalInput)
            .Function("get-terminal-stdin", (_, _) => WitVariant.None),
        new HostInterface("wasi:cli/terminal-stdout", WasiInterfaces.Version)
            .Resource(WasiResources.TerminalOutput)
            .Function("get-terminal-stdout", (_, _) => WitVariant.None),
        new HostInterface("wasi:cli/terminal-stderr", WasiInterfaces.Version)
            .Resource(WasiResources.TerminalOutput)
            .Function("get-terminal-stderr", (_, _) => WitVariant.None),
    ];

    private static VtxPluginException Exit(HostContext host, string status) =>
        new(VtxErrorCode.Trap, $"Plugin '{host.PluginId}' called wasi:cli/exit ({status}), which ends the call.", host.PluginId);
}
