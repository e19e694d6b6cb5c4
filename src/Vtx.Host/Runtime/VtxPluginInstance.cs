using Microsoft.Extensions.Logging;
using Vtx.Host.Abi;
using Vtx.Protocol;
using Wasmtime;

namespace Vtx.Host.Runtime;

/// <summary>
/// One instance of a WebAssembly plugin in its own store: the exports of world <c>plugin</c>
/// called through the canonical ABI (arguments lowered with <c>cabi_realloc</c>, results lifted
/// from the returned pointer, then <c>cabi_post_&lt;export&gt;</c>). Each call runs under the
/// instance's wall-clock deadline and memory limit; a trap, timeout or ABI violation throws
/// <see cref="VtxPluginException"/> and poisons the instance. Not thread-safe; dispose after use
/// (disposing drops the buffers the plugin still holds).
/// </summary>
public sealed class VtxPluginInstance : IVtxPlugin, IDisposable
{
    private readonly Store _store;
    private readonly CallContext _context;
    private readonly Instance _instance;
    private readonly ulong _deadlineTicks;
    private readonly ILogger _logger;
    private bool _poisoned;

    internal VtxPluginInstance(VtxCompiledPlugin plugin, string pluginId, ISql sql, IStreamIo streamIo, TimeSpan timeout)
    {
        var runtime = plugin.Runtime;
        var options = runtime.Options;
        _logger = runtime.Logger;
        PluginId = pluginId;
        _deadlineTicks = (ulong)Math.Max(1, Math.Ceiling(timeout / VtxRuntime.EpochTick));
        _context = new CallContext(pluginId, sql, streamIo, options);
        _store = new Store(runtime.Engine, _context);
        _store.SetLimits(memorySize: options.MaxMemoryBytes, tableElements: 100_000, instances: 2, tables: 4, memories: 2);
        if (plugin.UsesWasi)
        {
            _store.SetWasiConfiguration(WasiSandbox(pluginId));
        }

        try
        {
            _instance = Guard("instantiate", () => runtime.Linker.Instantiate(_store, plugin.Module));
            var memory = _instance.GetMemory("memory") ?? throw Invalid("memory", "a memory");
            var realloc = _instance.GetFunction<int, int, int, int, int>("cabi_realloc") ?? throw Invalid("cabi_realloc", "(i32 i32 i32 i32) -> i32");
            _context.Memory = new GuestMemory(memory, realloc, pluginId);
            if (_instance.GetAction("_initialize") is { } initialize)
            {
                Guard("_initialize", () =>
                {
                    initialize();
                    return 0;
                });
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The plugin id used in errors and logs.</summary>
    public string PluginId { get; }

    /// <summary>Number of <c>buffer</c> handles the plugin holds right now.</summary>
    public int LiveHandles => _context.Handles.Count;

    /// <inheritdoc/>
    /// <exception cref="VtxPluginException">The call trapped, timed out or broke the ABI.</exception>
    public HttpResponse Handle(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var handle = Export6("handle", "(i32 x6) -> i32");
        return Call("handle", memory =>
        {
            var (method, methodLength) = memory.WriteString(request.Method, "handle argument method");
            var (path, pathLength) = memory.WriteString(request.Path, "handle argument path");
            var (query, queryLength) = memory.WriteString(request.Query, "handle argument query");
            var result = handle(method, methodLength, path, pathLength, query, queryLength);
            memory.CheckRange(result, 12, 4, "handle result");
            var status = memory.ReadUInt16(result, "handle result status");
            VtxBuffer? body = memory.ReadByte(result + 4, "handle result body") switch
            {
                0 => null,
                1 => _context.Handles.Take(memory.ReadInt32(result + 8, "handle result body"), "handle result body"),
                var tag => throw memory.Violation($"handle result body: invalid option discriminant {tag}"),
            };
            return (new HttpResponse(status, body), result);
        });
    }

    /// <inheritdoc/>
    /// <exception cref="VtxPluginException">The call trapped, timed out or broke the ABI.</exception>
    public IReadOnlyList<string> GetMigrations() => StringList("get-migrations");

    /// <inheritdoc/>
    /// <exception cref="VtxPluginException">The call trapped, timed out or broke the ABI.</exception>
    public IReadOnlyList<string> GetResources() => StringList("get-resources");

    /// <inheritdoc/>
    /// <exception cref="VtxPluginException">The call trapped, timed out or broke the ABI.</exception>
    public Manifest GetManifest()
    {
        var getManifest = Export("get-manifest", "() -> i32");
        return Call("get-manifest", memory =>
        {
            var result = getManifest();
            memory.CheckRange(result, 40, 4, "get-manifest result");
            var manifest = new Manifest(
                memory.ReadStringAt(result, "manifest.id"),
                memory.ReadStringAt(result + 8, "manifest.name"),
                memory.ReadStringAt(result + 16, "manifest.version"),
                memory.ReadStringAt(result + 24, "manifest.description"),
                memory.ReadStringAt(result + 32, "manifest.entrypoint"));
            return (manifest, result);
        });
    }

    /// <inheritdoc/>
    /// <exception cref="VtxPluginException">The call trapped, timed out or broke the ABI.</exception>
    public WitResult<UserContext, ushort> Authenticate(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var authenticate = Export2("authenticate", "(i32 i32) -> i32");
        return Call("authenticate", memory =>
        {
            // list<tuple<string, string>>: 16-byte elements (key ptr, len, value ptr, len), align 4.
            var list = memory.Allocate(4, headers.Count * 16, "authenticate argument headers");
            for (var i = 0; i < headers.Count; i++)
            {
                var (key, keyLength) = memory.WriteString(headers[i].Key, "authenticate header name");
                var (value, valueLength) = memory.WriteString(headers[i].Value, "authenticate header value");
                var element = list + (i * 16);
                memory.WriteInt32(element, key, "authenticate headers");
                memory.WriteInt32(element + 4, keyLength, "authenticate headers");
                memory.WriteInt32(element + 8, value, "authenticate headers");
                memory.WriteInt32(element + 12, valueLength, "authenticate headers");
            }

            var result = authenticate(list, headers.Count);
            memory.CheckRange(result, 36, 4, "authenticate result");
            var outcome = memory.ReadByte(result, "authenticate result") switch
            {
                0 => WitResult<UserContext, ushort>.Ok(new UserContext(
                    memory.ReadStringAt(result + 4, "user-context.user-id"),
                    memory.ReadStringAt(result + 12, "user-context.username"),
                    memory.ReadStringListAt(result + 20, "user-context.groups"),
                    memory.ReadStringAt(result + 28, "user-context.metadata"))),
                1 => WitResult<UserContext, ushort>.Err(memory.ReadUInt16(result + 4, "authenticate error status")),
                var tag => throw memory.Violation($"authenticate result: invalid result discriminant {tag}"),
            };
            return (outcome, result);
        });
    }

    /// <summary>Releases the store and disposes the buffers the plugin still holds.</summary>
    public void Dispose()
    {
        _context.Dispose();
        _store.Dispose();
    }

    private IReadOnlyList<string> StringList(string export)
    {
        var function = Export(export, "() -> i32");
        return Call(export, memory =>
        {
            var result = function();
            return (memory.ReadStringListAt(result, export + " result"), result);
        });
    }

    /// <summary>Runs an export under the deadline, then its post-return with the same result pointer.</summary>
    private T Call<T>(string export, Func<GuestMemory, (T Value, int ResultPointer)> body)
    {
        if (_poisoned)
        {
            throw new VtxPluginException(VtxErrorCode.Trap, $"Plugin '{PluginId}' cannot be called after an earlier call failed.", PluginId);
        }

        var postReturn = _instance.GetAction<int>("cabi_post_" + export);
        return Guard(export, () =>
        {
            var (value, result) = body(_context.Memory);
            postReturn?.Invoke(result);
            return value;
        });
    }

    private T Guard<T>(string what, Func<T> body)
    {
        _store.SetEpochDeadline(_deadlineTicks);
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

    private Func<int> Export(string name, string signature) =>
        _instance.GetFunction<int>(name) ?? throw Invalid(name, signature);

    private Func<int, int, int> Export2(string name, string signature) =>
        _instance.GetFunction<int, int, int>(name) ?? throw Invalid(name, signature);

    private Func<int, int, int, int, int, int, int> Export6(string name, string signature) =>
        _instance.GetFunction<int, int, int, int, int, int, int>(name) ?? throw Invalid(name, signature);

    private VtxPluginException Invalid(string export, string signature) =>
        new(VtxErrorCode.InvalidModule, $"Plugin '{PluginId}': export '{export}' is missing or is not {signature}.", PluginId);

    private WasiConfiguration WasiSandbox(string pluginId) => new WasiConfiguration()
        .WithArg("plugin_worker")
        .WithEnvironmentVariable("VTX_ENV", "production")
        .WithStandardOutputCallback(data => _logger.LogInformation("[{PluginId} stdout] {Text}", pluginId, System.Text.Encoding.UTF8.GetString(data).TrimEnd()))
        .WithStandardErrorCallback(data => _logger.LogWarning("[{PluginId} stderr] {Text}", pluginId, System.Text.Encoding.UTF8.GetString(data).TrimEnd()));
}
