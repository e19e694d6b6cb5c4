using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vtx.Host.Abi;
using Vtx.Host.Packaging;
using Wasmtime;

namespace Vtx.Host.Runtime;

/// <summary>
/// The Wasmtime engine shared by all plugins: epoch interruption driven by a 10 ms ticker, one
/// linker holding the <c>vtx:api</c> host imports and WASI preview1, and a cache of compiled
/// modules keyed by the SHA-256 of the core module (in memory, and on disk, see <see cref="CompiledModuleCache"/>,
/// when <see cref="VtxHostOptions.ModuleCacheDirectory"/> is set).
/// Thread-safe.
/// </summary>
public sealed class VtxRuntime : IDisposable
{
    /// <summary>Interval between epoch ticks; deadlines are rounded up to it.</summary>
    public static readonly TimeSpan EpochTick = TimeSpan.FromMilliseconds(10);

    /// <summary>The engine settings below, as the compiled-module cache keys them: change both together.</summary>
    private const string EngineSettings = "epoch-interruption";

    private readonly Config _config;
    private readonly CompiledModuleCache? _diskCache;
    private readonly Timer _ticker;
    private readonly ConcurrentDictionary<string, Module> _modules = new(StringComparer.Ordinal);

    /// <summary>Creates the engine, the linker and the epoch ticker.</summary>
    /// <param name="options">Sandbox limits; <see langword="null"/> for the defaults.</param>
    /// <param name="logger">Receives plugin stdout/stderr and load diagnostics.</param>
    public VtxRuntime(VtxHostOptions? options = null, ILogger? logger = null)
    {
        Options = options ?? new VtxHostOptions();
        Logger = logger ?? NullLogger.Instance;
        _config = new Config().WithEpochInterruption(true);
        _diskCache = Options.ModuleCacheDirectory is { } folder ? new CompiledModuleCache(folder, EngineSettings, Logger) : null;
        Engine = new Engine(_config);
        Linker = new Linker(Engine);
        Linker.DefineWasi();
        HostImports.Define(Linker);
        _ticker = new Timer(_ => Engine.IncrementEpoch(), null, EpochTick, EpochTick);
    }

    /// <summary>Sandbox limits applied to every instance.</summary>
    public VtxHostOptions Options { get; }

    internal ILogger Logger { get; }

    internal Engine Engine { get; }

    internal Linker Linker { get; }

    /// <summary>
    /// Compiles (or takes from the cache) the package's core module and checks its imports and
    /// exports against world <c>plugin</c>.
    /// </summary>
    /// <param name="package">A decoded plugin file.</param>
    /// <returns>A compiled plugin that makes fresh instances.</returns>
    /// <exception cref="VtxPluginException"><see cref="VtxErrorCode.InvalidModule"/> when compilation fails or an export is missing; <see cref="VtxErrorCode.UnsupportedPluginShape"/> for imports the host does not offer.</exception>
    public VtxCompiledPlugin Compile(PluginPackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        var hash = Convert.ToHexStringLower(SHA256.HashData(package.CoreModule.Span));
        var module = _modules.GetOrAdd(hash, _ => LoadModule(package, hash));
        return new VtxCompiledPlugin(this, package, module);
    }

    private Module LoadModule(PluginPackage package, string hash)
    {
        var cacheFile = _diskCache?.PathFor(hash);
        if (cacheFile is not null && _diskCache!.TryLoad(Engine, package.Source, cacheFile) is { } cached)
        {
            return cached;
        }

        Module module;
        try
        {
            module = Module.FromBytes(Engine, package.Source, package.CoreModule.Span);
        }
        catch (WasmtimeException ex)
        {
            throw new VtxPluginException(VtxErrorCode.InvalidModule, $"{package.Source}: the core module does not compile: {FirstLine(ex.Message)}", package.Source, ex);
        }

        if (cacheFile is not null)
        {
            _diskCache!.Store(module, package.Source, cacheFile);
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
        _ticker.Dispose();
        foreach (var module in _modules.Values)
        {
            module.Dispose();
        }

        Linker.Dispose();
        Engine.Dispose();
        _config.Dispose();
    }
}
