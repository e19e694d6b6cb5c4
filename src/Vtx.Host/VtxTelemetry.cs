using System.Diagnostics.Metrics;

namespace Vtx.Host;

/// <summary>
/// The <see cref="Meter"/> named <c>Vtx</c> (OpenTelemetry: <c>AddMeter("Vtx")</c>): <c>vtx.plugin.requests</c>, a
/// counter of the HTTP requests a <see cref="Lifecycle.VtxPluginHost"/> handed to a plugin, tagged <c>vtx.plugin</c>
/// (the plugin id) and <c>http.response.status_code</c> (the answer's status; 500 when the plugin failed).
/// </summary>
public static class VtxTelemetry
{
    /// <summary>The meter's name.</summary>
    public const string Name = "Vtx";

    /// <summary>The meter.</summary>
    public static Meter Meter { get; } = new(Name);

    /// <summary>Requests handled by plugins (see the class remarks for the tags).</summary>
    public static Counter<long> Requests { get; } = Meter.CreateCounter<long>("vtx.plugin.requests", "{request}", "HTTP requests handled by VTX plugins, by plugin and status");

    /// <summary>Counts a plugin's answer in <see cref="Requests"/> and returns it.</summary>
    internal static Lifecycle.VtxHttpResult Counted(Lifecycle.VtxHttpResult result)
    {
        if (Requests.Enabled && result.PluginId is { } plugin)
        {
            Requests.Add(1, new("vtx.plugin", plugin), new("http.response.status_code", result.Status));
        }
        return result;
    }
}
