using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CloudRuntimes.Telemetry;
using Vtx.Host;

namespace CloudRuntimes.Host.Dashboard;

/// <summary>
/// What the dashboard charts and counts, read from the server's own <see cref="System.Diagnostics.Metrics"/>
/// instruments with a <see cref="MeterListener"/> (the same measurements OpenTelemetry exports):
/// <list type="bullet">
/// <item><description>requests and latency per building block: ASP.NET Core's <c>http.server.request.duration</c>, by the
/// block its <c>http.route</c> belongs to (<see cref="BlockOf"/>);</description></item>
/// <item><description>deliveries per subscription: <see cref="CloudRuntimesTelemetry.Deliveries"/> by component, topic and outcome;</description></item>
/// <item><description>requests per plugin: <see cref="VtxTelemetry.Requests"/> by plugin and status.</description></item>
/// </list>
/// </summary>
internal sealed class ServerMetrics : IHostedService, IDisposable
{
    /// <summary>The meter and instrument of ASP.NET Core's request durations (seconds, tag <c>http.route</c>).</summary>
    private const string HostingMeter = "Microsoft.AspNetCore.Hosting";
    private const string RequestDuration = "http.server.request.duration";

    /// <summary>Route prefixes and the building block they serve, most specific first.</summary>
    private static readonly (string Prefix, string Block)[] Routes =
    [
        ("/v1.0/state", "state"), ("/v1.0-alpha1/state", "state"),
        ("/v1.0/publish", "pubsub"), ("/v1.0-alpha1/publish", "pubsub"),
        ("/v1.0/invoke", "invoke"),
        ("/v1.0/bindings", "bindings"),
        ("/v1.0/secrets", "secrets"),
        ("/v1.0/configuration", "configuration"), ("/v1.0-alpha1/configuration", "configuration"),
        ("/v1.0-alpha1/lock", "lock"), ("/v1.0-alpha1/unlock", "lock"),
        ("/v1.0-alpha1/jobs", "jobs"),
        ("/v1.0-alpha1/files", "file"),
        ("/v1.0-alpha1/database", "database"),
        ("/v1.0/metadata", "runtime"), ("/v1.0/healthz", "runtime"), ("/v1.0/shutdown", "runtime"),
    ];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, RateWindow> _blocks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Component, string Topic, string Outcome), RateWindow> _deliveries = new();
    private readonly ConcurrentDictionary<(string Plugin, bool Failed), RateWindow> _plugins = new();

    public ServerMetrics()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if ((instrument.Meter.Name, instrument.Name) is (HostingMeter, RequestDuration) or (CloudRuntimesTelemetry.Name, "cloudruntimes.pubsub.deliveries") or (VtxTelemetry.Name, "vtx.plugin.requests"))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>(OnRequest);
        _listener.SetMeasurementEventCallback<long>(OnCount);
        _listener.Start();
    }

    /// <summary>Requests per building block that has had any, by block name.</summary>
    public IReadOnlyDictionary<string, RateWindow> Blocks => _blocks;

    /// <summary>The deliveries of a topic of a pub/sub component with an outcome (<c>delivered</c>, <c>retried</c>, <c>dead_lettered</c>, <c>expired</c>).</summary>
    public RateWindow Deliveries(string component, string topic, string outcome) => _deliveries.GetOrAdd((component, topic, outcome), _ => new RateWindow());

    /// <summary>A plugin's requests: all of them (<paramref name="failed"/> false) or those answered with a 5xx status.</summary>
    public RateWindow PluginRequests(string plugin, bool failed) => _plugins.GetOrAdd((plugin, failed), _ => new RateWindow());

    /// <summary>The building block a route template belongs to (<c>/v1.0/state/{storeName}</c> → <c>state</c>); <c>plugins</c> for the plugins' fallback route; null for the dashboard's own routes and unknown ones.</summary>
    public static string? BlockOf(string? route)
    {
        if (string.IsNullOrEmpty(route) || route.StartsWith("/dashboard", StringComparison.Ordinal))
        {
            return null;
        }
        if (route.StartsWith("{*", StringComparison.Ordinal))
        {
            return "plugins";
        }
        foreach (var (prefix, block) in Routes)
        {
            if (route.StartsWith(prefix, StringComparison.Ordinal) && (route.Length == prefix.Length || route[prefix.Length] == '/'))
            {
                return block;
            }
        }
        return null;
    }

    /// <summary>Nothing to do: listening starts when the object is created (with the host, as a hosted service).</summary>
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();

    private void OnRequest(Instrument instrument, double seconds, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (BlockOf(Tag(tags, "http.route")) is { } block)
        {
            _blocks.GetOrAdd(block, _ => new RateWindow()).Record(seconds);
        }
    }

    private void OnCount(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (instrument.Meter.Name == VtxTelemetry.Name)
        {
            var plugin = Tag(tags, "vtx.plugin") ?? "";
            PluginRequests(plugin, false).Record();
            if (Value(tags, "http.response.status_code") is int status && status >= 500)
            {
                PluginRequests(plugin, true).Record();
            }
            return;
        }
        Deliveries(Tag(tags, "component") ?? "", Tag(tags, "topic") ?? "", Tag(tags, "outcome") ?? "").Record();
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name) => Value(tags, name)?.ToString();

    private static object? Value(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == name)
            {
                return tag.Value;
            }
        }
        return null;
    }
}
