using System.Collections.Concurrent;
using System.Diagnostics;
using CloudRuntimes.Components.Composition;
using CloudRuntimes.Components.PostgreSql;
using CloudRuntimes.Components.Sqlite;
using CloudRuntimes.Jobs;
using CloudRuntimes.Tests.Conformance;
using CloudRuntimes.Tests.Support;

namespace CloudRuntimes.Tests.Durability;

/// <summary>
/// Jobs once per deployment: three runners — three component sets, as three replicas would have — on one job table (a
/// SQLite file, or a PostgreSQL schema) fire each due time once between them, and a firing whose runner hangs past its
/// lease is fired by another.
/// </summary>
public sealed class SharedJobsTests(PostgresServer postgres) : IAsyncDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "cr-jobs-" + Guid.NewGuid().ToString("N"));
    private readonly Lazy<IReadOnlyDictionary<string, string>> _postgres = new(postgres.NewSchemaMetadata);
    private readonly List<IAsyncDisposable> _owned = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    private async Task<IJobScheduler> ReplicaAsync(string type, string firingLease = "60s")
    {
        Assert.SkipWhen(type == "jobs.postgresql" && postgres.SkipReason is not null, postgres.SkipReason ?? "");
        var metadata = new Dictionary<string, string>(type == "jobs.postgresql" ? _postgres.Value : new Dictionary<string, string>()) { ["firingLease"] = firingLease };
        var components = await new CloudRuntimesBuilder("shop", _dataDirectory).AddSqliteComponents().AddPostgreSqlComponents()
            .AddComponent("jobs", type, metadata).BuildAsync();
        _owned.Add(components);
        return components.GetJobScheduler("jobs");
    }

    private async Task RunAsync(IJobScheduler scheduler, JobTriggerHandler handler) => _owned.Add(await scheduler.RunAsync(handler));

    [Theory]
    [InlineData("jobs.sqlite")]
    [InlineData("jobs.postgresql")]
    public async Task Each_due_time_fires_once_across_three_runners_sharing_the_table(string type)
    {
        var fired = new ConcurrentQueue<(int Runner, string Job)>();
        var replicas = new List<IJobScheduler>();
        for (var runner = 1; runner <= 3; runner++)
        {
            var replica = await ReplicaAsync(type);
            var id = runner;
            await RunAsync(replica, (job, _) => { fired.Enqueue((id, job.Name)); return Task.CompletedTask; });
            replicas.Add(replica);
        }

        await replicas[0].ScheduleAsync(new Job("tick", "@every 1s", null, 4, null, ReadOnlyMemory<byte>.Empty));
        await replicas[1].ScheduleAsync(new Job("once", null, DateTimeOffset.UtcNow.AddMilliseconds(500), null, null, ReadOnlyMemory<byte>.Empty));

        await Eventually.HoldsAsync(() => fired.Count(f => f.Job == "tick") >= 4, TimeSpan.FromSeconds(15), () => $"four ticks, got {fired.Count}");
        await Task.Delay(1500);
        // Each runner alone would fire them all: 12 ticks and 3 one-shot firings between three.
        Assert.Equal(4, fired.Count(f => f.Job == "tick"));
        Assert.Equal(1, fired.Count(f => f.Job == "once"));
    }

    [Theory]
    [InlineData("jobs.sqlite")]
    [InlineData("jobs.postgresql")]
    public async Task A_firing_whose_runner_hangs_is_fired_by_another_when_its_lease_ends(string type)
    {
        var hung = await ReplicaAsync(type, firingLease: "1s");
        var healthy = await ReplicaAsync(type, firingLease: "1s");
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await RunAsync(hung, async (_, token) => { entered.TrySetResult(); await release.Task.WaitAsync(token); });
        await hung.ScheduleAsync(new Job("report", null, DateTimeOffset.UtcNow, null, null, ReadOnlyMemory<byte>.Empty));
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var clock = Stopwatch.StartNew();
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await RunAsync(healthy, (_, _) => { fired.TrySetResult(); return Task.CompletedTask; });

        await fired.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(8));
        release.SetResult();
    }
}
