// A child process for the durability tests: it builds one component, then saves state items or publishes
// messages in a loop, printing "ack <n>" after each call that returned. The test kills it (SIGKILL) at some point
// and checks, from its own process, that every acknowledged item is there. In "hold" mode it subscribes to the topic
// "held" instead, prints "held <data>" when a message reaches its handler and never finishes handling it, so the
// test can kill it while it holds the message's lease. In "job" mode it runs the jobs component, prints "fired <name>"
// when a job reaches its handler and never finishes handling it, so the test can kill it mid-delivery. In "bulk" mode it
// bulk publishes the numbers in requests of 1,000 entries and prints "ack <n>" with the last number of each request
// that returned with no failed entry, so a kill lands in the middle of a bulk publish.
//
// Usage: CloudRuntimes.CrashProbe <state|pubsub|bulk|hold|job> <component type> <data directory> [redisHost | name=value ...]
using System.Globalization;
using System.Text;
using CloudRuntimes.Components.Composition;
using CloudRuntimes.Components.PostgreSql;
using CloudRuntimes.Components.Redis;
using CloudRuntimes.Components.Sqlite;
using CloudRuntimes.PubSub;
using CloudRuntimes.State;

if (args.Length < 3)
{
    Console.Error.WriteLine("usage: CloudRuntimes.CrashProbe <state|pubsub|bulk|hold|job> <component type> <data directory> [redisHost | name=value ...]");
    return 2;
}

var metadata = args.Skip(3).Select(a => a.Split('=', 2)).ToDictionary(p => p.Length == 2 ? p[0] : "redisHost", p => p[^1]);
var builder = new CloudRuntimesBuilder("durability", args[2]).AddSqliteComponents().AddRedisComponents().AddPostgreSqlComponents();
builder.AddComponent("under-test", args[1], metadata);
var components = await builder.BuildAsync();
Console.Out.Flush();
if (args[0] == "hold")
{
    await using var subscription = await components.GetPubSub("under-test").SubscribeAsync(new TopicSubscription("held"), async (message, _) =>
    {
        Console.WriteLine("held " + Encoding.UTF8.GetString(message.Data.Span));
        Console.Out.Flush();
        await Task.Delay(Timeout.Infinite, CancellationToken.None);
        return DeliveryStatus.Success;
    });
    await Task.Delay(Timeout.Infinite, CancellationToken.None);
}
if (args[0] == "job")
{
    await using var run = await components.GetJobScheduler("under-test").RunAsync(async (job, _) =>
    {
        Console.WriteLine("fired " + job.Name);
        Console.Out.Flush();
        await Task.Delay(Timeout.Infinite, CancellationToken.None);
    });
    await Task.Delay(Timeout.Infinite, CancellationToken.None);
}
const int BulkEntries = 1_000;
for (var n = 1; args[0] == "bulk"; n += BulkEntries)
{
    var entries = Enumerable.Range(n, BulkEntries).Select(i => i.ToString(CultureInfo.InvariantCulture))
        .Select(text => new BulkPublishEntry(text, Encoding.UTF8.GetBytes(text), "text/plain")).ToList();
    var failures = await components.GetPubSub("under-test").PublishBulkAsync("durable", entries);
    if (failures.Count > 0)
    {
        Console.Error.WriteLine($"bulk publish from {n}: {failures.Count} entries failed, the first: {failures[0].Error}");
        return 1;
    }
    Console.WriteLine("ack " + entries[^1].EntryId);
    Console.Out.Flush();
}
for (var n = 1; ; n++)
{
    var text = n.ToString(CultureInfo.InvariantCulture);
    if (args[0] == "state")
    {
        await components.GetStateStore("under-test").SaveAsync([new SaveStateItem("item-" + text, Encoding.UTF8.GetBytes(text))]);
    }
    else
    {
        await components.GetPubSub("under-test").PublishAsync(new PublishRequest("durable", Encoding.UTF8.GetBytes(text), "text/plain"));
    }
    Console.WriteLine("ack " + text);
    Console.Out.Flush();
}
