using Vtx.Protocol;

namespace Vtx.Host.Lifecycle;

/// <summary>
/// A routable plugin: its info, a factory for a fresh <see cref="IVtxPlugin"/> per call (a new or pre-instantiated
/// Wasmtime store and instance, or a new in-process object) given the plugin id, the call's imports and deadline, and
/// what it holds until it stops being served (<see cref="Resources"/>: its compiled plugin's instance pool).
/// </summary>
internal sealed record LoadedPlugin(VtxPluginInfo Info, string Entrypoint, Func<string, ISql, IStreamIo, TimeSpan, IVtxPlugin> Create, IDisposable? Resources)
{
    public string Id => Info.Manifest.Id;

    /// <summary>Creates an instance, runs <paramref name="call"/> on it and disposes it; any failure becomes a <see cref="VtxPluginException"/>.</summary>
    public T Run<T>(ISql sql, IStreamIo streamIo, TimeSpan timeout, Func<IVtxPlugin, T> call) =>
        Run(Id, Create, sql, streamIo, timeout, call);

    /// <summary>As the instance method, for a plugin not registered yet (the load-time calls).</summary>
    public static T Run<T>(string id, Func<string, ISql, IStreamIo, TimeSpan, IVtxPlugin> create, ISql sql, IStreamIo streamIo, TimeSpan timeout, Func<IVtxPlugin, T> call)
    {
        IVtxPlugin? plugin = null;
        try
        {
            plugin = create(id, sql, streamIo, timeout);
            return call(plugin);
        }
        catch (Exception ex) when (ex is not VtxPluginException and not OutOfMemoryException)
        {
            throw new VtxPluginException(VtxErrorCode.Trap, $"Plugin '{id}' threw {ex.GetType().Name}: {ex.Message}", id, ex);
        }
        finally
        {
            (plugin as IDisposable)?.Dispose();
        }
    }

    /// <summary>Matches a request path: the entrypoint is a prefix ending on a <c>/</c> boundary; gives the rest.</summary>
    public bool TryMatch(string path, out string rest)
    {
        rest = "";
        if (!path.StartsWith(Entrypoint, StringComparison.Ordinal))
        {
            return false;
        }

        rest = path[Entrypoint.Length..];
        return rest.Length == 0 || rest[0] == '/';
    }
}
