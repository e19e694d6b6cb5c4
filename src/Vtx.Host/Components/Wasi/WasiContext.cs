using Microsoft.Extensions.Logging;

namespace Vtx.Host.Components.Wasi;

/// <summary>
/// The WASI 0.2 state of one plugin store: the sandbox's fixed environment and arguments (vtx-core's: nothing from the
/// host's environment, only <c>VTX_ENV=production</c> and argv <c>plugin_worker</c>), and stdout and stderr, which go to
/// the host log tagged with the plugin id, bounded per instance in bytes and per plugin in lines per second.
/// </summary>
internal sealed class WasiContext(string pluginId, VtxHostOptions options, ILogger logger, LogLimiter limiter) : IDisposable
{
    private LogOutputStream? _stdout;
    private LogOutputStream? _stderr;
    private long _loggedBytes;
    private bool _truncated;

    public static IReadOnlyList<(string Name, string Value)> Environment { get; } = [("VTX_ENV", "production")];

    public static IReadOnlyList<string> Arguments { get; } = ["plugin_worker"];

    public string PluginId => pluginId;

    public VtxHostOptions Options => options;

    public OutputStream Stdout => _stdout ??= new LogOutputStream(this, error: false);

    public OutputStream Stderr => _stderr ??= new LogOutputStream(this, error: true);

    /// <summary>Logs one line of the plugin's output, unless a bound is reached (then it is dropped, with one warning).</summary>
    public void Log(string line, bool error)
    {
        _loggedBytes += line.Length;
        if (_loggedBytes > options.MaxLogBytesPerInstance)
        {
            if (!_truncated)
            {
                _truncated = true;
                logger.LogWarning("[{PluginId} {Stream}] further output of this instance dropped: more than {Limit} bytes", pluginId, Name(error), options.MaxLogBytesPerInstance);
            }

            return;
        }

        if (!limiter.TryTake(pluginId, out var dropped))
        {
            return;
        }

        if (dropped > 0)
        {
            logger.LogWarning("[{PluginId} {Stream}] {Dropped} line(s) dropped: more than {Rate} lines per second", pluginId, Name(error), dropped, options.MaxLogLinesPerSecond);
        }

        if (error)
        {
            logger.LogWarning("[{PluginId} stderr] {Text}", pluginId, line);
        }
        else
        {
            logger.LogInformation("[{PluginId} stdout] {Text}", pluginId, line);
        }
    }

    /// <summary>Logs what stdout and stderr still hold (a last line without newline).</summary>
    public void Dispose()
    {
        _stdout?.Dispose();
        _stderr?.Dispose();
    }

    private static string Name(bool error) => error ? "stderr" : "stdout";
}
