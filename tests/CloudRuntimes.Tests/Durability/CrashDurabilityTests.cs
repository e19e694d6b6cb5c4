using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using CloudRuntimes.Components;
using CloudRuntimes.Components.Composition;
using CloudRuntimes.Components.PostgreSql;
using CloudRuntimes.Components.Redis;
using CloudRuntimes.Components.Sqlite;
using CloudRuntimes.PubSub;
using CloudRuntimes.Tests.Conformance;
using CloudRuntimes.Tests.Support;

namespace CloudRuntimes.Tests.Durability;

/// <summary>
/// Kill -9 durability: a child process (CloudRuntimes.CrashProbe) saves or publishes in a loop and prints each
/// acknowledgement; the test kills it mid-stream, then reads with a fresh component in this process. Every
/// acknowledged save must be readable and every acknowledged message must be delivered.
/// </summary>
public sealed class CrashDurabilityTests(RedisServer redis, PostgresServer postgres) : IClassFixture<RedisServer>, IDisposable
{
    private const int KillAfterAcks = 40;
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "cr-crash-" + Guid.NewGuid().ToString("N"));
    private readonly Lazy<IReadOnlyDictionary<string, string>> _postgres = new(postgres.NewSchemaMetadata);

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    [Theory]
    [InlineData("state.sqlite")]
    [InlineData("state.redis")]
    public async Task Every_acknowledged_save_is_readable_after_the_process_is_killed(string type)
    {
        var acknowledged = await RunAndKillAsync("state", type);
        await using var components = await BuildAsync(type);
        var store = components.GetStateStore("under-test");

        var items = await store.GetBulkAsync([.. Enumerable.Range(1, acknowledged).Select(n => $"item-{n}")]);

        Assert.All(items, item => Assert.Equal(item.Key["item-".Length..], item.Value is { } v ? Encoding.UTF8.GetString(v.Span) : "<missing>"));
    }

    [Theory]
    [InlineData("pubsub.sqlite")]
    [InlineData("pubsub.redis")]
    public async Task Every_acknowledged_publish_is_delivered_after_the_process_is_killed(string type)
    {
        var acknowledged = await RunAndKillAsync("pubsub", type);
        await using var components = await BuildAsync(type);
        var received = new ConcurrentDictionary<int, byte>();

        await using var subscription = await components.GetPubSub("under-test").SubscribeAsync(new TopicSubscription("durable"), (m, _) =>
        {
            received[int.Parse(Encoding.UTF8.GetString(m.Data.Span), CultureInfo.InvariantCulture)] = 0;
            return Task.FromResult(DeliveryStatus.Success);
        });

        await Eventually.HoldsAsync(() => Enumerable.Range(1, acknowledged).All(received.ContainsKey), TimeSpan.FromSeconds(30),
            () => $"all {acknowledged} acknowledged messages; missing: {string.Join(",", Enumerable.Range(1, acknowledged).Where(n => !received.ContainsKey(n)).Take(20))}");
    }

    [Theory]
    [InlineData("pubsub.sqlite")]
    [InlineData("pubsub.redis")]
    public async Task Every_acknowledged_bulk_entry_is_delivered_in_order_after_the_process_is_killed_mid_bulk(string type)
    {
        // Each bulk of 1,000 entries is written in groups: the kill lands in a bulk, after some of its groups committed.
        var acknowledged = await RunAndKillAsync("bulk", type, killAfterAcks: 5);
        await using var components = await BuildAsync(type);
        var received = new ConcurrentQueue<int>();

        await using var subscription = await components.GetPubSub("under-test").SubscribeAsync(new TopicSubscription("durable"), (m, _) =>
        {
            received.Enqueue(int.Parse(Encoding.UTF8.GetString(m.Data.Span), CultureInfo.InvariantCulture));
            return Task.FromResult(DeliveryStatus.Success);
        });

        await Eventually.HoldsAsync(() => received.Count >= acknowledged, TimeSpan.FromSeconds(60), () => $"{acknowledged} acknowledged entries; {received.Count} delivered");
        // Delivered once each, in publish order, without a gap: every acknowledged entry, then what the killed bulk had committed.
        var delivered = received.ToArray();
        Assert.Equal(Enumerable.Range(1, delivered.Length), delivered);
    }

    [Theory]
    [InlineData("pubsub.sqlite")]
    [InlineData("pubsub.redis")]
    public async Task A_message_held_by_a_killed_process_is_delivered_again_at_once(string type)
    {
        SkipWithout(type);
        var marker = Guid.NewGuid().ToString("N");
        await using (var publisher = await BuildAsync(type))
        {
            await publisher.GetPubSub("under-test").PublishAsync(new PublishRequest("held", Encoding.UTF8.GetBytes(marker), "text/plain"));
        }
        using var probe = StartProbe("hold", type);
        var held = await probe.StandardOutput.ReadLineAsync();
        Assert.Equal("held " + marker, held);
        probe.Kill(entireProcessTree: true);
        await probe.WaitForExitAsync();

        var clock = Stopwatch.StartNew();
        await using var components = await BuildAsync(type);
        var delivered = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = await components.GetPubSub("under-test").SubscribeAsync(new TopicSubscription("held"), (message, _) =>
        {
            if (Encoding.UTF8.GetString(message.Data.Span) == marker)
            {
                delivered.TrySetResult(message.DeliveryAttempt);
            }
            return Task.FromResult(DeliveryStatus.Success);
        });

        // The lease runs 60 s; the killed holder is known to be gone, so the message comes again at once, its attempt counted.
        var attempt = await delivered.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"delivered again after {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(2, attempt);
    }

    [Theory]
    [InlineData("jobs.sqlite")]
    [InlineData("jobs.postgresql")]
    public async Task A_firing_held_by_a_killed_process_is_fired_again_at_once(string type)
    {
        SkipWithout(type);
        await using (var scheduler = await BuildAsync(type))
        {
            await scheduler.GetJobScheduler("under-test").ScheduleAsync(new CloudRuntimes.Jobs.Job("nightly", null, DateTimeOffset.UtcNow, null, null, Encoding.UTF8.GetBytes("run")));
        }
        using var probe = StartProbe("job", type);
        Assert.Equal("fired nightly", await probe.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)));
        probe.Kill(entireProcessTree: true);
        await probe.WaitForExitAsync();

        var clock = Stopwatch.StartNew();
        await using var components = await BuildAsync(type);
        var fired = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var run = await components.GetJobScheduler("under-test").RunAsync((job, _) => { fired.TrySetResult(job.Name); return Task.CompletedTask; });

        // The firing lease runs 60 s; its holder is known to be gone, so the firing happens again at once.
        Assert.Equal("nightly", await fired.Task.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"fired again after {clock.Elapsed.TotalSeconds:F1} s");
        await Task.Delay(500);
        Assert.Null(await components.GetJobScheduler("under-test").GetAsync("nightly"));
    }

    private void SkipWithout(string type)
    {
        Assert.SkipWhen(type.EndsWith(".redis", StringComparison.Ordinal) && redis.SkipReason is not null, redis.SkipReason ?? "");
        Assert.SkipWhen(type.EndsWith(".postgresql", StringComparison.Ordinal) && postgres.SkipReason is not null, postgres.SkipReason ?? "");
    }

    private IReadOnlyDictionary<string, string>? MetadataOf(string type) =>
        type.EndsWith(".redis", StringComparison.Ordinal) ? redis.Metadata : type.EndsWith(".postgresql", StringComparison.Ordinal) ? _postgres.Value : null;

    private async Task<CloudRuntimesComponents> BuildAsync(string type)
    {
        var builder = new CloudRuntimesBuilder("durability", _dataDirectory).AddSqliteComponents().AddRedisComponents().AddPostgreSqlComponents();
        builder.AddComponent("under-test", type, MetadataOf(type));
        return await builder.BuildAsync();
    }

    /// <summary>Starts the probe, waits for <paramref name="killAfterAcks"/> acknowledgements, kills it, and returns the last acknowledged number.</summary>
    private async Task<int> RunAndKillAsync(string mode, string type, int killAfterAcks = KillAfterAcks)
    {
        SkipWithout(type);
        using var process = StartProbe(mode, type);
        var errors = process.StandardError.ReadToEndAsync();
        var last = 0;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var acks = 0;
        while (acks < killAfterAcks && DateTime.UtcNow < deadline && await process.StandardOutput.ReadLineAsync() is { } line)
        {
            last = int.Parse(line["ack ".Length..], CultureInfo.InvariantCulture);
            acks++;
        }
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        // Acknowledgements printed before the kill that this loop had not read yet count too.
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            last = int.Parse(line["ack ".Length..], CultureInfo.InvariantCulture);
            acks++;
        }
        Assert.True(acks >= killAfterAcks, $"the probe acknowledged only {acks} call(s) before the deadline; stderr: {await errors}");
        return last;
    }

    /// <summary>Starts the crash probe (tests/CloudRuntimes.CrashProbe) in a mode on the component type under test.</summary>
    private Process StartProbe(string mode, string type)
    {
        var probe = Path.Combine(AppContext.BaseDirectory, "CloudRuntimes.CrashProbe.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { probe, mode, type, _dataDirectory }.Concat((MetadataOf(type) ?? new Dictionary<string, string>()).Select(m => $"{m.Key}={m.Value}")))
        {
            start.ArgumentList.Add(argument);
        }
        return Process.Start(start)!;
    }
}
