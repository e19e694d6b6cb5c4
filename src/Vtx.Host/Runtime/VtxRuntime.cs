using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vtx.Host.Components.Linking;
using Vtx.Host.Components.Types;
using Vtx.Host.Components.Wasi;
using Vtx.Host.Packaging;
using Wasmtime;

namespace Vtx.Host.Runtime;

/// <summary>
/// The Wasmtime engine shared by all plugins: epoch interruption driven by a 10 ms ticker, the host interfaces plugins
/// may import (world <c>plugin</c> of <c>vtx:api@1.2.6</c> and WASI 0.2), a linker with WASI preview1 for bare core
/// modules, and a cache of compiled core modules keyed by their SHA-256 (in memory, and on disk, see
/// <see cref="CompiledModuleCache"/>, when <see cref="VtxHostOptions.ModuleCacheDirectory"/> is set). Components are
/// linked by the host's own component linker (Vtx.Host.Components) on Wasmtime's core API.
/// Thread-safe.
/// </summary>
public sealed class VtxRuntime : IDisposable
{
    /// <summary>Interval between epoch ticks; deadlines are rounded up to it.</summary>
    public static readonly TimeSpan EpochTick = TimeSpan.FromMilliseconds(10);

    /// <summary>The engine settings below, as the compiled-module cache keys them: change both together.</summary>
    private const string EngineSettings = "epoch-interruption; pooling allocator when enabled";

    private readonly Config _config;
    private readonly CompiledModuleCache? _diskCache;
    private readonly Timer _ticker;
    private readonly ConcurrentDictionary<string, Module> _modules = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<IDisposable> _owned = [];

    /// <summary>Creates the engine, the linker and the epoch ticker.</summary>
    /// <param name="options">Sandbox limits; <see langword="null"/> for the defaults.</param>
    /// <param name="logger">Receives plugin stdout/stderr and load diagnostics.</param>
    public VtxRuntime(VtxHostOptions? options = null, ILogger? logger = null)
    {
        Options = options ?? new VtxHostOptions();
        Logger = logger ?? NullLogger.Instance;
        _config = new Config().WithEpochInterruption(true);
        if (Options.PoolingAllocatorSlots > 0)
        {
            // Memory slots reused across instances, the part a plugin used kept resident (reset by memset, not unmapped):
            // instantiation and teardown cost no mmap, and a reused slot's pages need no page faults.
            using var pooling = new PoolingAllocationConfig()
                .WithMaxMemorySize((nuint)Options.MaxMemoryBytes)
                .WithMaxMemories((uint)Options.PoolingAllocatorSlots)
                .WithMaxTables((uint)Options.PoolingAllocatorSlots)
                .WithMaxCoreInstances((uint)Options.PoolingAllocatorSlots)
                .WithTotalComponentInstances(1)
                .WithMaxUnusedWarmSlots(16)
                .WithLinearMemoryKeepResidentBytes((nuint)Options.ResidentBytesPerMemory);
            _config.WithPoolingAllocationStrategy(pooling);
        }

        _diskCache = Options.ModuleCacheDirectory is { } folder ? new CompiledModuleCache(folder, EngineSettings, Logger) : null;
        Engine = new Engine(_config);
        Linker = new Linker(Engine);
        Linker.DefineWasi();
        LogLimiter = new LogLimiter(Options.MaxLogLinesPerSecond);
        Registry = new HostRegistry();
        foreach (var hostInterface in VtxInterfaces.Create().Concat(WasiInterfaces.Create()))
        {
            Registry.Add(hostInterface);
        }

        _ticker = new Timer(_ => Engine.IncrementEpoch(), null, EpochTick, EpochTick);
    }

    /// <summary>Sandbox limits applied to every instance.</summary>
    public VtxHostOptions Options { get; }

    internal ILogger Logger { get; }

    internal Engine Engine { get; }

    /// <summary>WASI preview1, for bare core modules built against wasi-libc.</summary>
    internal Linker Linker { get; }

    /// <summary>The per-plugin rate limit of plugin output in the log.</summary>
    internal LogLimiter LogLimiter { get; }

    /// <summary>The interfaces a component may import.</summary>
    internal HostRegistry Registry { get; }

    /// <summary>
    /// Compiles the package: a core module is checked against world <c>plugin</c>; a component is linked (its core
    /// modules compiled or taken from the cache, its graph and types checked, its imports bound to the host's interfaces)
    /// and its exports checked against the world.
    /// </summary>
    /// <param name="package">A decoded plugin file.</param>
    /// <returns>A compiled plugin that makes fresh instances.</returns>
    /// <exception cref="VtxPluginException"><see cref="VtxErrorCode.InvalidModule"/> when compilation fails or an export is missing or mistyped;
    /// <see cref="VtxErrorCode.UnsupportedPluginShape"/> for imports the host does not offer or features it does not run;
    /// <see cref="VtxErrorCode.InvalidComponent"/> for a component whose graph does not link.</exception>
    public VtxCompiledPlugin Compile(PluginPackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        var source = package.Source;
        if (package.Component is not { } component)
        {
            return new VtxCompiledPlugin(this, package, CoreModulePlugin.Build(CompileModule(package.Binary, source), source, Registry, Engine, Linker, _owned.Add));
        }

        CompiledComponent compiled;
        try
        {
            var linker = new Linker(Engine);
            _owned.Add(linker);
            compiled = ComponentCompiler.Compile(component, bytes => CompileModule(bytes, source), Registry.Resolve, linker);
        }
        catch (LinkException ex)
        {
            throw new VtxPluginException(ex.Code, $"{source}: {ex.Message}.", source, ex);
        }

        foreach (var (name, type) in PluginWorld.Exports)
        {
            if (compiled.Exports.GetValueOrDefault(name) is not FuncItem { Type: { } exported } || !TypeEquality.Equal(exported, type))
            {
                throw new VtxPluginException(VtxErrorCode.InvalidModule,
                    $"{source}: the component exports '{name}' as {Describe(compiled.Exports.GetValueOrDefault(name))}, but world plugin of vtx:api@1.2.6 needs {type}.", source);
            }
        }

        return new VtxCompiledPlugin(this, package, compiled);
    }

    private static string Describe(StaticItem? item) => item switch
    {
        FuncItem { Type: { } type } => type.ToString(),
        null => "nothing",
        _ => "a " + item.GetType().Name.Replace("Item", "", StringComparison.Ordinal).ToLowerInvariant(),
    };

    /// <summary>Compiles a core module, or takes it from the in-memory or disk cache (keyed by its SHA-256).</summary>
    private Module CompileModule(ReadOnlyMemory<byte> bytes, string source)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes.Span));
        return _modules.GetOrAdd(hash, _ => LoadModule(bytes, source, hash));
    }

    private Module LoadModule(ReadOnlyMemory<byte> bytes, string source, string hash)
    {
        var cacheFile = _diskCache?.PathFor(hash);
        if (cacheFile is not null && _diskCache!.TryLoad(Engine, source, cacheFile) is { } cached)
        {
            return cached;
        }

        Module module;
        try
        {
            module = Module.FromBytes(Engine, source, bytes.Span);
        }
        catch (WasmtimeException ex)
        {
            throw new VtxPluginException(VtxErrorCode.InvalidModule, $"{source}: the core module does not compile: {FirstLine(ex.Message)}", source, ex);
        }

        if (cacheFile is not null)
        {
            _diskCache!.Store(module, source, cacheFile);
        }

        return module;
    }

    /// <summary>The useful line of a Wasmtime error: the cause after "Caused by:", else the first line.</summary>
    internal static string FirstLine(string message)
    {
        var cause = message.LastIndexOf("Caused by:", StringComparison.Ordinal);
        var text = cause >= 0 ? message[(cause + "Caused by:".Length)..] : message;
        return text.Trim().Split('\n', 2)[0].Trim();
    }

    /// <summary>Stops the ticker and releases the engine and cached modules.</summary>
    public void Dispose()
    {
        // Stop the epoch ticker and wait for a tick already running: Engine.IncrementEpoch on a disposed engine throws
        // on the timer's thread, which ends the process (seen in CI under load).
        using (var stopped = new ManualResetEvent(false))
        {
            if (_ticker.Dispose(stopped))
            {
                stopped.WaitOne();
            }
        }
        foreach (var module in _modules.Values)
        {
            module.Dispose();
        }

        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        Linker.Dispose();
        Engine.Dispose();
        _config.Dispose();
    }
}
