using System.Reflection;

namespace Vtx.Protocol;

/// <summary>
/// Access to the WIT definition this package implements: package <c>vtx:api@1.2.6</c>, world
/// <c>plugin</c> of vtx-protocol release 2.2.1.
/// </summary>
public static class VtxProtocol
{
    /// <summary>The WIT package name and version, <c>vtx:api@1.2.6</c>.</summary>
    public const string WitPackage = "vtx:api@1.2.6";

    /// <summary>The world plugins target, <c>plugin</c>.</summary>
    public const string WorldName = "plugin";

    /// <summary>The vtx-protocol release whose WIT this package carries, <c>2.2.1</c>.</summary>
    public const string ProtocolRelease = "2.2.1";

    private const string ResourceName = "Vtx.Protocol.wit.vtx.wit";

    /// <summary>
    /// Full path of <c>wit/vtx.wit</c> next to this assembly (copied there by the package as a
    /// content file).
    /// </summary>
    /// <returns>An absolute path; the file exists in builds and packages of this project.</returns>
    /// <exception cref="FileNotFoundException">The file was not deployed beside the assembly.</exception>
    public static string GetWitPath()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "wit", "vtx.wit");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"vtx.wit is not deployed beside the application; expected it at {path}.", path);
    }

    /// <summary>The text of <c>vtx.wit</c>, read from the assembly's embedded resource.</summary>
    /// <returns>The WIT source (UTF-8 decoded).</returns>
    public static string GetWitContent()
    {
        using var stream = typeof(VtxProtocol).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing from {typeof(VtxProtocol).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
