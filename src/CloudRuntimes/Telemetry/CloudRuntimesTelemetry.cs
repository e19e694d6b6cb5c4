using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CloudRuntimes.Telemetry;

/// <summary>
/// The OpenTelemetry-compatible sources every building block reports to. Add them to an OpenTelemetry
/// tracer/meter provider (<c>AddSource(CloudRuntimesTelemetry.Name)</c>, <c>AddMeter(CloudRuntimesTelemetry.Name)</c>);
/// W3C trace context flows through <see cref="Activity.Current"/>.
/// </summary>
public static class CloudRuntimesTelemetry
{
    /// <summary>The name of the activity source and the meter: <c>CloudRuntimes</c>.</summary>
    public const string Name = "CloudRuntimes";

    /// <summary>Spans of building-block operations (name <c>{block}.{operation}</c>, tags <c>cloudruntimes.component</c>, <c>cloudruntimes.component.type</c>).</summary>
    public static ActivitySource ActivitySource { get; } = new(Name, "1.0.0");

    /// <summary>Metrics of building-block operations.</summary>
    public static Meter Meter { get; } = new(Name, "1.0.0");

    /// <summary>Count of operations by block, operation, component and outcome.</summary>
    public static Counter<long> Operations { get; } = Meter.CreateCounter<long>("cloudruntimes.operations", "{operation}", "Building-block operations");

    /// <summary>Duration of operations in seconds.</summary>
    public static Histogram<double> Duration { get; } = Meter.CreateHistogram<double>("cloudruntimes.operation.duration", "s", "Building-block operation duration");

    /// <summary>
    /// Pub/sub deliveries to subscribers by <c>component</c>, <c>topic</c> and <c>outcome</c>: <c>delivered</c> (the
    /// subscriber succeeded), <c>retried</c> (it asked for a retry or failed; the message comes again),
    /// <c>dead_lettered</c> (dropped, or out of attempts: sent to the dead-letter topic, or discarded without one) and
    /// <c>expired</c> (its TTL passed undelivered).
    /// </summary>
    public static Counter<long> Deliveries { get; } = Meter.CreateCounter<long>("cloudruntimes.pubsub.deliveries", "{delivery}", "Pub/sub deliveries to subscribers, by outcome");
}
