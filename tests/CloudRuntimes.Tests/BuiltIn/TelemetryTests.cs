using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using CloudRuntimes.Components.Composition;
using CloudRuntimes.State;
using CloudRuntimes.Telemetry;

namespace CloudRuntimes.Tests.BuiltIn;

/// <summary>State operations report spans and counters on the <c>CloudRuntimes</c> sources, inside the caller's trace.</summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task State_operations_emit_spans_in_the_callers_trace_and_count_operations()
    {
        var component = "telemetry-" + Guid.NewGuid().ToString("N");
        var spans = new ConcurrentQueue<Activity>();
        var counts = new ConcurrentQueue<(string Operation, long Value)>();
        using var activityListener = ListenForSpans(component, spans);
        using var meterListener = new MeterListener();
        meterListener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == CloudRuntimesTelemetry.Name && instrument.Name == "cloudruntimes.operations")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meterListener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var tagList = tags.ToArray();
            if (tagList.Any(t => t.Key == "component" && Equals(t.Value, component)))
            {
                counts.Enqueue(((string)tagList.Single(t => t.Key == "operation").Value!, value));
            }
        });
        meterListener.Start();
        var builder = new CloudRuntimesBuilder("app", Path.GetTempPath());
        builder.AddComponent(component, "state.in-memory");
        await using var components = await builder.BuildAsync();
        var store = components.GetStateStore(component);
        using var parent = new ActivitySource("test-caller").StartActivity("request") ?? new Activity("request").Start();

        await store.SaveAsync(new SaveStateItem("k", new byte[] { 1 }));
        await store.GetAsync("k");

        Assert.Equal(["state.save", "state.get"], spans.Select(s => s.OperationName));
        Assert.All(spans, s => Assert.Equal(parent.TraceId, s.TraceId));
        Assert.Equal([("save", 1L), ("get", 1L)], counts);
    }

    [Fact]
    public async Task Failed_operations_of_other_blocks_are_reported_with_an_error_status()
    {
        var component = "telemetry-" + Guid.NewGuid().ToString("N");
        var spans = new ConcurrentQueue<Activity>();
        using var listener = ListenForSpans(component, spans);
        var builder = new CloudRuntimesBuilder("app", Path.GetTempPath());
        builder.AddComponent(component, "lock.in-memory");
        await using var components = await builder.BuildAsync();
        var locks = components.GetLockStore(component);

        await locks.TryLockAsync(new Lock.TryLockRequest("r", "o", 10));
        await Assert.ThrowsAsync<CloudRuntimesException>(() => locks.TryLockAsync(new Lock.TryLockRequest("r", "o", 0)));

        Assert.Equal([("lock.tryLock", ActivityStatusCode.Unset), ("lock.tryLock", ActivityStatusCode.Error)], spans.Select(s => (s.OperationName, s.Status)));
    }

    /// <summary>Records the stopped spans of one component from the <c>CloudRuntimes</c> source.</summary>
    private static ActivityListener ListenForSpans(string component, ConcurrentQueue<Activity> spans)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CloudRuntimesTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (Equals(activity.GetTagItem("cloudruntimes.component"), component))
                {
                    spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
