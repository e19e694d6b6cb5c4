using System.Diagnostics;
using CloudRuntimes.Telemetry;

namespace CloudRuntimes.Components;

/// <summary>
/// How components report an operation on the <see cref="CloudRuntimesTelemetry"/> sources: a span named
/// <c>{block}.{operation}</c> (a child of <see cref="Activity.Current"/>, so W3C trace context flows) tagged
/// <c>cloudruntimes.component</c>, one <c>cloudruntimes.operations</c> count and one duration in seconds, both
/// tagged <c>block</c>, <c>operation</c>, <c>component</c> and <c>outcome</c> (<c>success</c> or <c>error</c>).
/// </summary>
public static class ComponentTelemetry
{
    /// <summary>Runs <paramref name="work"/> as one reported operation.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="block">Building block, e.g. <c>lock</c>.</param>
    /// <param name="operation">Operation, e.g. <c>tryLock</c>.</param>
    /// <param name="component">Component name.</param>
    /// <param name="work">The operation.</param>
    /// <returns>The operation's result; its exception propagates unchanged.</returns>
    public static Task<T> TraceAsync<T>(string block, string operation, string component, Func<Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        // Nothing is built, and no extra asynchronous layer is added, for traces or metrics nobody listens to
        // (the hot path of an un-instrumented process).
        return IsObserved ? TraceObservedAsync(block, operation, component, work) : work();
    }

    private static bool IsObserved =>
        CloudRuntimesTelemetry.ActivitySource.HasListeners() || CloudRuntimesTelemetry.Operations.Enabled || CloudRuntimesTelemetry.Duration.Enabled;

    private static async Task<T> TraceObservedAsync<T>(string block, string operation, string component, Func<Task<T>> work)
    {
        using var activity = CloudRuntimesTelemetry.ActivitySource.StartActivity(block + "." + operation);
        activity?.SetTag("cloudruntimes.component", component);
        var started = Stopwatch.GetTimestamp();
        var outcome = "error";
        try
        {
            var result = await work().ConfigureAwait(false);
            outcome = "success";
            return result;
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
        finally
        {
            if (CloudRuntimesTelemetry.Operations.Enabled || CloudRuntimesTelemetry.Duration.Enabled)
            {
                var tags = new TagList { { "block", block }, { "operation", operation }, { "component", component }, { "outcome", outcome } };
                CloudRuntimesTelemetry.Operations.Add(1, tags);
                CloudRuntimesTelemetry.Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
            }
        }
    }

    /// <summary>Runs <paramref name="work"/> as one reported operation without a result.</summary>
    /// <param name="block">Building block.</param>
    /// <param name="operation">Operation.</param>
    /// <param name="component">Component name.</param>
    /// <param name="work">The operation.</param>
    /// <returns>A task that completes with the operation.</returns>
    public static Task TraceAsync(string block, string operation, string component, Func<Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (!IsObserved)
        {
            return work();
        }
        return TraceObservedAsync(block, operation, component, async () =>
        {
            await work().ConfigureAwait(false);
            return true;
        });
    }
}
