using System.Globalization;
using CloudRuntimes.Bindings;
using CloudRuntimes.Components.Composition;
using CloudRuntimes.Components.Jobs;
using Microsoft.Extensions.Logging;

namespace CloudRuntimes.Components.Bindings;

/// <summary>
/// <c>bindings.cron</c>: an input binding that fires on a schedule (metadata <c>schedule</c>: cron with 5 or 6
/// fields, <c>@every 15s</c>, <c>@daily</c>, ...; see <see cref="JobSchedule"/>). Each event has empty data and
/// metadata <c>schedule</c> and <c>time</c> (RFC 3339 UTC). A handler failure is logged; the next firing still comes.
/// </summary>
public sealed class CronBinding : IInputBinding, IAsyncDisposable
{
    private readonly JobSchedule _schedule;
    private readonly string _scheduleText;
    private readonly string _componentName;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly BackgroundLoopSet _readers = new();

    /// <summary>Creates the binding.</summary>
    /// <param name="schedule">The schedule text.</param>
    /// <param name="componentName">Component name.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="time">Clock; null for the system clock.</param>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.MalformedRequest"/> for an invalid schedule.</exception>
    public CronBinding(string schedule, string componentName, ILogger logger, TimeProvider? time = null)
    {
        try
        {
            _schedule = JobSchedule.Parse(schedule);
        }
        catch (FormatException e)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"component '{componentName}' (bindings.cron) metadata 'schedule': {e.Message}", e);
        }
        _scheduleText = schedule;
        _componentName = componentName;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public Task<IAsyncDisposable> ReadAsync(BindingEventCallback handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Task.FromResult<IAsyncDisposable>(_readers.Start(token => RunAsync(handler, token)));
    }

    /// <summary>Stops every reader still running.</summary>
    /// <returns>A task that completes when they have stopped.</returns>
    public ValueTask DisposeAsync() => _readers.DisposeAsync();

    private async Task RunAsync(BindingEventCallback handler, CancellationToken token)
    {
        var last = _time.GetUtcNow();
        while (!token.IsCancellationRequested && _schedule.NextAfter(last) is { } next)
        {
            var wait = next - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, _time, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            last = next;
            var metadata = new Dictionary<string, string>
            {
                ["schedule"] = _scheduleText,
                ["time"] = next.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            };
            try
            {
                await handler(new BindingEvent(ReadOnlyMemory<byte>.Empty, metadata), token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "cron binding {Component}: handler failed for the firing at {Time}", _componentName, next);
            }
        }
    }
}
