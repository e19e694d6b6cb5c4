using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Rototo.Extensions.Hosting;
using Rototo.Refresh;
using Rototo.Tests.Sources;

namespace Rototo.Tests.Refresh;

/// <summary><c>services.AddRototo(...)</c> in a real generic host, with its logs, metrics and traces.</summary>
public sealed class HostingTests : IDisposable
{
    private readonly GitRepository _repository = new();

    public HostingTests()
    {
        _repository.WriteMessageWorkspace("hello");
        _repository.Commit("hello");
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _repository.Dispose();

    private IHost BuildHost(CollectingLoggerProvider logs, TimeSpan? period = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Services.AddRototo(options =>
        {
            options.Source = _repository.Source("main:rototo");
            options.RefreshPeriod = period ?? TimeSpan.FromMilliseconds(100);
            options.MinFailureBackoff = TimeSpan.FromMilliseconds(100);
        });
        return builder.Build();
    }

    [Fact]
    public async Task Hosted_workspace_loads_at_start_refreshes_and_shuts_down_with_the_host()
    {
        using var logs = new CollectingLoggerProvider();
        using var host = BuildHost(logs);
        await host.StartAsync(Token);
        var workspace = host.Services.GetRequiredService<RefreshingWorkspace>();
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        workspace.Changed += (_, _) => changed.TrySetResult();
        Assert.Equal("hello", workspace.ResolveVariable("message", ResolveContext.Empty).GetValue<string>());

        _repository.WriteMessageWorkspace("goodbye");
        _repository.Commit("goodbye");
        await changed.Task.WaitAsync(TimeSpan.FromSeconds(20), Token);

        Assert.Equal("goodbye", workspace.ResolveVariable("message", ResolveContext.Empty).GetValue<string>());
        await host.StopAsync(Token);
        Assert.Equal("refreshing workspace has been shut down", Assert.Throws<RototoException>(() => workspace.Current).Message);
        Assert.Contains(logs.Messages, m => m.StartsWith("Information: loading rototo workspace git+file://", StringComparison.Ordinal));
        Assert.Contains(logs.Messages, m => m.StartsWith("Information: rototo workspace git+file://", StringComparison.Ordinal) && m.Contains("refreshed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Failed_refresh_is_logged_as_a_warning_with_the_failure_count()
    {
        using var logs = new CollectingLoggerProvider();
        using var host = BuildHost(logs);
        await host.StartAsync(Token);
        _repository.Write("rototo/rototo-workspace.toml", "not = [valid\n");
        _repository.Commit("broken");

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!logs.Messages.Any(m => m.StartsWith("Warning:", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, Token);
        }

        var warning = Assert.Single(logs.Messages.Where(m => m.StartsWith("Warning:", StringComparison.Ordinal)).Take(1));
        Assert.Contains("refresh failed (1 in a row); still serving the last good workspace", warning, StringComparison.Ordinal);
        await host.StopAsync(Token);
    }

    [Fact]
    public async Task Change_token_fires_on_each_refresh_that_swaps()
    {
        await using var workspace = await RefreshingWorkspace.LoadAsync(_repository.Source("main:rototo"), cancellationToken: Token);
        var seen = new ConcurrentQueue<string>();
        using var subscription = ChangeToken.OnChange(workspace.GetChangeToken, () => seen.Enqueue(workspace.ResolveVariable("message", ResolveContext.Empty).GetValue<string>()!));

        Assert.Equal(RefreshOutcome.Unchanged, await workspace.RefreshNowAsync(Token));
        foreach (var message in new[] { "second", "third" })
        {
            _repository.WriteMessageWorkspace(message);
            _repository.Commit(message);
            Assert.Equal(RefreshOutcome.Refreshed, await workspace.RefreshNowAsync(Token));
        }

        Assert.Equal(["second", "third"], seen);
    }

    [Fact]
    public async Task Failed_first_load_fails_the_host_start()
    {
        var missing = Path.Combine(Path.GetTempPath(), "rototo-missing-" + Guid.NewGuid().ToString("N"));
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddRototo(options => options.Source = missing);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<RototoException>(() => host.StartAsync(Token));

        Assert.Equal($"failed to canonicalize workspace source {missing}: No such file or directory (os error 2)", error.Message);
    }

    [Fact]
    public async Task Meter_and_activity_source_report_loads_lint_refresh_outcomes_and_resolutions()
    {
        var source = _repository.Source("main:rototo");
        var measurements = new ConcurrentQueue<(string Instrument, long Value, string? Tag)>();
        var lintDurations = new ConcurrentQueue<double>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == RototoTelemetry.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var tagValues = tags.ToArray();
            if (tagValues.Any(t => t.Key == RototoTelemetry.SourceTag && (string?)t.Value == source))
            {
                var label = tagValues.FirstOrDefault(t => t.Key is "outcome" or "kind" or "severity").Value as string;
                measurements.Enqueue((instrument.Name, value, label));
            }
        });
        meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "rototo.lint.duration" && tags.ToArray().Any(t => t.Key == RototoTelemetry.SourceTag && (string?)t.Value == source))
            {
                lintDurations.Enqueue(value);
            }
        });
        meters.Start();
        var activities = new ConcurrentQueue<string>();
        using var tracing = new ActivityListener
        {
            ShouldListenTo = s => s.Name == RototoTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = a =>
            {
                if ((string?)a.GetTagItem(RototoTelemetry.SourceTag) == source)
                {
                    activities.Enqueue($"{a.OperationName} {a.GetTagItem("rototo.refresh.outcome")}".Trim());
                }
            },
        };
        ActivitySource.AddActivityListener(tracing);

        await using (var workspace = await RefreshingWorkspace.LoadAsync(source, cancellationToken: Token))
        {
            workspace.ResolveVariable("message", ResolveContext.Empty);
            await workspace.ResolveVariableAsync("message", [], cancellationToken: Token);
            Assert.Equal(RefreshOutcome.Unchanged, await workspace.RefreshNowAsync(Token));
            _repository.WriteMessageWorkspace("goodbye");
            _repository.Commit("goodbye");
            Assert.Equal(RefreshOutcome.Refreshed, await workspace.RefreshNowAsync(Token));
        }

        Assert.Equal(2, measurements.Count(m => m is ("rototo.workspace.loads", 1, "success")));
        Assert.Equal(2, measurements.Count(m => m is ("rototo.resolutions", 1, "variable")));
        Assert.Equal(["unchanged", "refreshed"], measurements.Where(m => m.Instrument == "rototo.refresh.outcomes").Select(m => m.Tag));
        // The message workspace lints clean: each of the two loads reports 0 errors and 0 warnings.
        Assert.Equal([("rototo.lint.diagnostics", 0, "error"), ("rototo.lint.diagnostics", 0, "warning"), ("rototo.lint.diagnostics", 0, "error"), ("rototo.lint.diagnostics", 0, "warning")],
            measurements.Where(m => m.Instrument == "rototo.lint.diagnostics"));
        Assert.Equal(2, lintDurations.Count(d => d > 0));
        Assert.Equal(
            ["rototo.workspace.lint", "rototo.workspace.load", "rototo.workspace.refresh unchanged", "rototo.workspace.lint", "rototo.workspace.load", "rototo.workspace.refresh refreshed"],
            activities);
    }

    /// <summary>Collects formatted log lines as "Level: message".</summary>
    private sealed class CollectingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(CollectingLoggerProvider provider) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    provider.Messages.Enqueue($"{logLevel}: {formatter(state, exception)}");
                }
            }
        }
    }
}
