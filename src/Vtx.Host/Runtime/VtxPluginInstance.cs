using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Vtx.Host.Components.Linking;
using Vtx.Host.Components.Types;
using Vtx.Protocol;
using Wasmtime;

namespace Vtx.Host.Runtime;

/// <summary>
/// One instance of a WebAssembly plugin in its own store: the exports of world <c>plugin</c> called through the
/// canonical ABI (arguments lowered with the plugin's <c>realloc</c>, results lifted, then its post-return function),
/// lifted and lowered from the component's own types (a bare core module uses the world's). Each call runs under the
/// instance's wall-clock deadline and memory limit; a trap, timeout or ABI violation throws
/// <see cref="VtxPluginException"/> and poisons the instance. Not thread-safe; dispose after use (disposing drops the
/// host resources the plugin still holds).
/// </summary>
public sealed class VtxPluginInstance : IVtxPlugin, IDisposable
{
    /// <summary>Most core instances, tables and memories one store may create (a component has several modules).</summary>
    private const int MaxCoreInstances = 64;

    private readonly Store _store;
    private readonly HostContext _host;
    private readonly ComponentInstance _instance = null!;
    private ulong _deadlineTicks;
    private long _timeoutTimestamps;
    private readonly ILogger _logger;
    private bool _poisoned;

    internal VtxPluginInstance(VtxCompiledPlugin plugin, string pluginId, ISql sql, IStreamIo streamIo, TimeSpan timeout)
    {
        var runtime = plugin.Runtime;
        var options = runtime.Options;
        _logger = runtime.Logger;
        PluginId = pluginId;
        SetTimeout(timeout);
        _host = new HostContext(pluginId, sql, streamIo, options, _logger, runtime.LogLimiter);
        _store = new Store(runtime.Engine);
        _store.SetLimits(memorySize: options.MaxMemoryBytes, tableElements: 100_000, instances: MaxCoreInstances, tables: MaxCoreInstances, memories: MaxCoreInstances);
        if (plugin.UsesPreview1)
        {
            _store.SetWasiConfiguration(WasiSandbox(pluginId));
        }

        try
        {
            var component = plugin.Component;
            _instance = Guard("instantiate", () => ComponentInstance.Instantiate(component, _store, _host, component.Imports));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The plugin id used in errors and logs.</summary>
    public string PluginId { get; }

    /// <summary>Number of resource handles (buffers, WASI streams…) the plugin holds right now.</summary>
    public int LiveHandles => _instance.Handles.Count;

    /// <inheritdoc/>
    /// <exception cref="VtxPluginException">The call trapped, timed out or broke the ABI.</exception>
    public HttpResponse Handle(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Call("handle", [new object?[] { request.Method, request.Path, request.Query }], result =>
        {
            var response = (object?[])result!;
            return new HttpResponse((ushort)response[0]!, ((WitVariant)response[1]!).Value as VtxBuffer);
        });
    }

    /// <inheritdoc/>
    /// <exception cref="VtxPluginException">The call trapped, timed out or broke the ABI.</exception>
    public IReadOnlyList<string> GetMigrations() => Call("get-migrations", [], Strings);

    /// <inheritdoc/>
    /// <exception cref="VtxPluginException">The call trapped, timed out or broke the ABI.</exception>
    public IReadOnlyList<string> GetResources() => Call("get-resources", [], Strings);

    /// <inheritdoc/>
    /// <exception cref="VtxPluginException">The call trapped, timed out or broke the ABI.</exception>
    public Manifest GetManifest() => Call("get-manifest", [], result =>
    {
        var m = (object?[])result!;
        return new Manifest((string)m[0]!, (string)m[1]!, (string)m[2]!, (string)m[3]!, (string)m[4]!);
    });

    /// <inheritdoc/>
    /// <exception cref="VtxPluginException">The call trapped, timed out or broke the ABI.</exception>
    public WitResult<UserContext, ushort> Authenticate(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var list = headers.Select(h => (object?)new object?[] { h.Key, h.Value }).ToArray();
        return Call("authenticate", [list], result =>
        {
            var outcome = (WitVariant)result!;
            if (!outcome.IsCase("ok"))
            {
                return WitResult<UserContext, ushort>.Err((ushort)outcome.Value!);
            }

            var user = (object?[])outcome.Value!;
            return WitResult<UserContext, ushort>.Ok(new UserContext((string)user[0]!, (string)user[1]!, Strings(user[2]), (string)user[3]!));
        });
    }

    /// <summary>Gives a pre-instantiated instance the imports and deadline of the call it is handed to.</summary>
    internal void Attach(ISql sql, IStreamIo streamIo, TimeSpan timeout)
    {
        _host.Sql = sql;
        _host.StreamIo = streamIo;
        SetTimeout(timeout);
    }

    private void SetTimeout(TimeSpan timeout)
    {
        _deadlineTicks = (ulong)Math.Max(1, Math.Ceiling(timeout / VtxRuntime.EpochTick));
        _timeoutTimestamps = (long)(timeout.TotalSeconds * Stopwatch.Frequency);
    }

    /// <summary>Releases the store and disposes the host resources the plugin still holds.</summary>
    public void Dispose()
    {
        _instance?.Dispose();
        _host.Dispose();
        _store.Dispose();
    }

    private static IReadOnlyList<string> Strings(object? list) => ((object?[])list!).Cast<string>().ToArray();

    /// <summary>Calls an export under the deadline and converts its lifted result.</summary>
    private T Call<T>(string export, object?[] args, Func<object?, T> convert)
    {
        if (_poisoned)
        {
            throw new VtxPluginException(VtxErrorCode.Trap, $"Plugin '{PluginId}' cannot be called after an earlier call failed.", PluginId);
        }

        var function = (ComponentFunction)_instance.Exports[export];
        return Guard(export, () => convert(function.Invoke(_host, args)));
    }

    private T Guard<T>(string what, Func<T> body)
    {
        _store.SetEpochDeadline(_deadlineTicks);
        _host.Deadline = Stopwatch.GetTimestamp() + _timeoutTimestamps;
        try
        {
            return body();
        }
        catch (VtxPluginException ex)
        {
            throw Fail(what, ex);
        }
        catch (WasmtimeException ex)
        {
            throw Fail(what, Translate(ex));
        }
    }

    private VtxPluginException Translate(WasmtimeException ex)
    {
        for (Exception? inner = ex.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is VtxPluginException vtx)
            {
                return vtx;
            }
        }

        var reason = VtxRuntime.FirstLine(ex.Message);
        if (reason.Contains("maximum concurrent", StringComparison.Ordinal))
        {
            return new VtxPluginException(VtxErrorCode.ResourceLimit,
                $"Plugin '{PluginId}' could not be instantiated: every slot of the host's pooling allocator is in use ({reason}; see VtxHostOptions.PoolingAllocatorSlots).", PluginId, ex);
        }

        return ex is TrapException { Type: TrapCode.Interrupt }
            ? new VtxPluginException(VtxErrorCode.Timeout, $"Plugin '{PluginId}' ran past its {_deadlineTicks * (ulong)VtxRuntime.EpochTick.TotalMilliseconds} ms deadline and was stopped.", PluginId, ex)
            : new VtxPluginException(VtxErrorCode.Trap, $"Plugin '{PluginId}' trapped: {reason}", PluginId, ex);
    }

    private VtxPluginException Fail(string what, VtxPluginException error)
    {
        _poisoned = true;
        _logger.LogWarning("Plugin {PluginId} failed in {Export}: {Code}: {Reason}", PluginId, what, error.Code, error.Message);
        return error;
    }

    private WasiConfiguration WasiSandbox(string pluginId) => new WasiConfiguration()
        .WithArg("plugin_worker")
        .WithEnvironmentVariable("VTX_ENV", "production")
        .WithStandardOutputCallback(data => _logger.LogInformation("[{PluginId} stdout] {Text}", pluginId, System.Text.Encoding.UTF8.GetString(data).TrimEnd()))
        .WithStandardErrorCallback(data => _logger.LogWarning("[{PluginId} stderr] {Text}", pluginId, System.Text.Encoding.UTF8.GetString(data).TrimEnd()));
}
