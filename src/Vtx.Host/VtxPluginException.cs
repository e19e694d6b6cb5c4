namespace Vtx.Host;

/// <summary>Machine-readable reasons a plugin failed to load or to answer a call.</summary>
public enum VtxErrorCode
{
    /// <summary>The file is not a <c>.vtx</c> container, a core module or a component.</summary>
    InvalidPackage,

    /// <summary>A component or module that imports something the host does not offer (beyond world <c>plugin</c> and WASI), does not export the world, or uses a component-model feature the host does not run.</summary>
    UnsupportedPluginShape,

    /// <summary>The core module failed to compile or lacks a required export.</summary>
    InvalidModule,

    /// <summary>The plugin trapped (e.g. <c>unreachable</c>, out-of-bounds access, stack overflow).</summary>
    Trap,

    /// <summary>The call ran past its wall-clock deadline and was interrupted.</summary>
    Timeout,

    /// <summary>A pointer, length, alignment or discriminant from the plugin is invalid (canonical ABI check).</summary>
    AbiViolation,

    /// <summary>The plugin used a <c>buffer</c> handle that is unknown or already dropped.</summary>
    InvalidHandle,

    /// <summary>The plugin exceeded a host bound (live handles, buffer bytes, SQL result size).</summary>
    ResourceLimit,

    /// <summary>Applying the plugin's migrations failed; nothing was changed.</summary>
    MigrationFailed,

    /// <summary>Another loaded plugin has the same id or the same entrypoint.</summary>
    Conflict,

    /// <summary>No loaded plugin has the given id.</summary>
    PluginNotFound,

    /// <summary>The component's definitions do not link (malformed graph): an index, export name, kind or type does not match.</summary>
    InvalidComponent,
}

/// <summary>
/// The error of the VTX host: a plugin failed to load, or one call to it failed. Carries a
/// <see cref="VtxErrorCode"/> and, where known, the plugin id; the message names the plugin or
/// file and the problem and is safe to show to users.
/// </summary>
public sealed class VtxPluginException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="code">Machine-readable reason.</param>
    /// <param name="message">What went wrong, naming the plugin/file and the problem.</param>
    /// <param name="pluginId">The plugin id or file, when known.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public VtxPluginException(VtxErrorCode code, string message, string? pluginId = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
        PluginId = pluginId;
    }

    /// <summary>Machine-readable reason.</summary>
    public VtxErrorCode Code { get; }

    /// <summary>The plugin id (or file path while loading), when known.</summary>
    public string? PluginId { get; }
}
