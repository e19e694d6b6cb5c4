namespace Vtx.Host.Components.Linking;

/// <summary>
/// A component that cannot be linked: a malformed graph (<see cref="VtxErrorCode.InvalidComponent"/>), an import the
/// host does not provide or a feature it does not run (<see cref="VtxErrorCode.UnsupportedPluginShape"/>). The message
/// names the definition; the caller prefixes the plugin file.
/// </summary>
internal sealed class LinkException(VtxErrorCode code, string message) : Exception(message)
{
    public VtxErrorCode Code => code;

    public static LinkException Malformed(string problem) => new(VtxErrorCode.InvalidComponent, "the component's graph is malformed: " + problem);

    public static LinkException Unsupported(string problem) => new(VtxErrorCode.UnsupportedPluginShape, "unsupported plugin shape: " + problem);
}
