using System.Collections.Concurrent;
using System.Text;
using CloudRuntimes.Components;
using CloudRuntimes.Components.Composition;
using CloudRuntimes.Jobs;

namespace CloudRuntimes.Tests.Conformance;

/// <summary>
/// The jobs conformance suite (Dapr jobs API semantics): due-time jobs fire once, repeats bound the firings,
/// get and delete, overwrite, and invalid schedules rejected.
/// </summary>
public abstract class JobSchedulerConformance : ComponentConformance<IJobScheduler>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly List<IAsyncDisposable> _runs = [];

    /// <inheritdoc />
    protected override IJobScheduler Resolve(CloudRuntimesComponents components, string name) => components.GetJobScheduler(name);

    private IJobScheduler Jobs => Component;

    private async Task<ConcurrentQueue<Job>> RunAsync()
    {
        var fired = new ConcurrentQueue<Job>();
        _runs.Add(await Jobs.RunAsync((job, _) => { fired.Enqueue(job); return Task.CompletedTask; }));
        return fired;
    }

    /// <inheritdoc />
    protected override async ValueTask StopAsync()
    {
        foreach (var run in _runs)
        {
            await run.DisposeAsync();
        }
    }

    [Fact]
    public async Task Scheduled_job_reads_back_as_stored()
    {
        var job = new Job("report", "0 30 * * * *", null, 3, DateTimeOffset.Parse("2099-01-01T00:00:00Z"), Encoding.UTF8.GetBytes("{\"kind\":\"daily\"}"));

        await Jobs.ScheduleAsync(job);
        var stored = await Jobs.GetAsync("report");

        Assert.NotNull(stored);
        Assert.Equal("0 30 * * * *", stored.Schedule);
        Assert.Equal(3, stored.Repeats);
        Assert.Equal(DateTimeOffset.Parse("2099-01-01T00:00:00Z"), stored.Ttl);
        Assert.Equal("{\"kind\":\"daily\"}", Encoding.UTF8.GetString(stored.Data.Span));
        Assert.Null(await Jobs.GetAsync("no-such-job"));
    }

    [Fact]
    public async Task Job_with_a_due_time_fires_once_with_its_payload()
    {
        var fired = await RunAsync();

        await Jobs.ScheduleAsync(new Job("once", null, DateTimeOffset.UtcNow.AddMilliseconds(300), null, null, Encoding.UTF8.GetBytes("payload")));

        await Eventually.HoldsAsync(() => !fired.IsEmpty, Wait, "the one-shot job to fire");
        await Task.Delay(1500);
        var job = Assert.Single(fired);
        Assert.Equal("once", job.Name);
        Assert.Equal("payload", Encoding.UTF8.GetString(job.Data.Span));
        Assert.Null(await Jobs.GetAsync("once"));
    }

    [Fact]
    public async Task Repeating_job_fires_at_most_repeats_times()
    {
        var fired = await RunAsync();

        await Jobs.ScheduleAsync(new Job("tick", "@every 1s", null, 2, null, ReadOnlyMemory<byte>.Empty));

        await Eventually.HoldsAsync(() => fired.Count >= 2, Wait, "two firings");
        await Task.Delay(1800);
        Assert.Equal(2, fired.Count);
    }

    [Fact]
    public async Task Deleted_job_does_not_fire()
    {
        var fired = await RunAsync();
        await Jobs.ScheduleAsync(new Job("cancelled", null, DateTimeOffset.UtcNow.AddSeconds(1), null, null, ReadOnlyMemory<byte>.Empty));

        Assert.True(await Jobs.DeleteAsync("cancelled"));
        Assert.False(await Jobs.DeleteAsync("cancelled"));
        await Task.Delay(1800);

        Assert.Empty(fired);
    }

    [Fact]
    public async Task Schedule_without_overwrite_refuses_an_existing_name()
    {
        await Jobs.ScheduleAsync(new Job("unique", "@every 1h", null, null, null, Encoding.UTF8.GetBytes("first")));

        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => Jobs.ScheduleAsync(new Job("unique", "@every 1h", null, null, null, Encoding.UTF8.GetBytes("second")), overwrite: false));
        await Jobs.ScheduleAsync(new Job("unique", "@every 2h", null, null, null, Encoding.UTF8.GetBytes("third")));

        Assert.Equal(CloudRuntimesErrors.JobInvalid.Code, error.ErrorCode);
        Assert.Equal("@every 2h", (await Jobs.GetAsync("unique"))!.Schedule);
    }

    [Fact]
    public async Task A_new_job_past_the_most_jobs_is_refused_and_a_replacement_is_not()
    {
        await Jobs.ScheduleAsync(new Job("one", "@every 1h", null, null, null, Encoding.UTF8.GetBytes("1")), maxJobs: 2);
        await Jobs.ScheduleAsync(new Job("two", "@every 1h", null, null, null, Encoding.UTF8.GetBytes("2")), maxJobs: 2);

        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => Jobs.ScheduleAsync(new Job("three", "@every 1h", null, null, null, ReadOnlyMemory<byte>.Empty), maxJobs: 2));
        await Jobs.ScheduleAsync(new Job("two", "@every 2h", null, null, null, Encoding.UTF8.GetBytes("2b")), maxJobs: 2);
        var existing = await Assert.ThrowsAsync<CloudRuntimesException>(() => Jobs.ScheduleAsync(new Job("one", "@every 2h", null, null, null, ReadOnlyMemory<byte>.Empty), overwrite: false, maxJobs: 2));

        Assert.Equal(CloudRuntimesErrors.JobInvalid.Code, error.ErrorCode);
        Assert.Contains("holds 2 jobs, the most allowed", error.Message, StringComparison.Ordinal);
        Assert.Null(await Jobs.GetAsync("three"));
        Assert.Equal("@every 2h", (await Jobs.GetAsync("two"))!.Schedule);
        Assert.Contains("already exists", existing.Message, StringComparison.Ordinal);
        Assert.Equal("@every 1h", (await Jobs.GetAsync("one"))!.Schedule);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not a cron")]
    [InlineData("@every banana")]
    [InlineData("61 * * * * *")]
    public async Task Invalid_schedule_is_rejected(string? schedule)
    {
        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => Jobs.ScheduleAsync(new Job("bad", schedule, null, null, null, ReadOnlyMemory<byte>.Empty)));

        Assert.Equal(CloudRuntimesErrors.JobInvalid.Code, error.ErrorCode);
        Assert.Null(await Jobs.GetAsync("bad"));
    }
}
