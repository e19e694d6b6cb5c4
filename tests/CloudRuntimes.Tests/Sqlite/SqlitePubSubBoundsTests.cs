using System.Text;
using CloudRuntimes.Components.Composition;
using CloudRuntimes.Components.Sqlite;
using CloudRuntimes.PubSub;
using Microsoft.Data.Sqlite;

namespace CloudRuntimes.Tests.Sqlite;

/// <summary>
/// What <c>pubsub.sqlite</c> keeps on disk (docs/security.md), read from its real file: messages of topics no consumer group
/// has joined are dropped after <c>unsubscribedRetention</c> while those a group waits for stay, and a bulk publish whose
/// caller has gone stores nothing more.
/// </summary>
public sealed class SqlitePubSubBoundsTests : IAsyncDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "cr-sqlite-bounds-" + Guid.NewGuid().ToString("N"));
    private CloudRuntimesComponents? _components;

    public async ValueTask DisposeAsync()
    {
        if (_components is not null)
        {
            await _components.DisposeAsync();
        }
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private async Task<IPubSub> PubSubAsync(Dictionary<string, string>? metadata = null)
    {
        _components = await new CloudRuntimesBuilder("orders", _dataDirectory).AddSqliteComponents().AddComponent("pubsub", "pubsub.sqlite", metadata).BuildAsync();
        return _components.GetPubSub("pubsub");
    }

    /// <summary>The messages the file holds for a topic, counted on a connection of its own.</summary>
    private long StoredMessages(string topic)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_dataDirectory, "pubsub.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM pubsub_log WHERE topic = $topic";
        command.Parameters.AddWithValue("$topic", topic);
        return (long)command.ExecuteScalar()!;
    }

    private static PublishRequest Message(string topic, string text) => new(topic, Encoding.UTF8.GetBytes(text), "text/plain");

    [Fact]
    public async Task Messages_of_topics_nobody_subscribes_to_are_dropped_after_the_retention_and_awaited_ones_stay()
    {
        var pubsub = await PubSubAsync(new() { ["unsubscribedRetention"] = "1s" });
        // A subscriber that takes its message and never answers: the group waits for it, so it must stay.
        var held = new TaskCompletionSource<DeliveryStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        var leased = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = await pubsub.SubscribeAsync(new TopicSubscription("orders"), (_, _) =>
        {
            leased.TrySetResult();
            return held.Task;
        });
        try
        {
            await pubsub.PublishAsync(Message("orders", "awaited"));
            await leased.Task.WaitAsync(TimeSpan.FromSeconds(30));
            for (var i = 0; i < 10; i++)
            {
                await pubsub.PublishAsync(Message("random-" + i, "nobody listens"));
            }
            Assert.Equal(1, StoredMessages("random-0"));

            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (Enumerable.Range(0, 10).Sum(i => StoredMessages("random-" + i)) > 0)
            {
                await Task.Delay(100, deadline.Token);
            }

            Assert.Equal(1, StoredMessages("orders"));
        }
        finally
        {
            // The held delivery ends, so the subscription can stop.
            held.TrySetResult(DeliveryStatus.Success);
        }
    }

    [Fact]
    public async Task Retention_0_keeps_messages_of_topics_nobody_subscribes_to()
    {
        var pubsub = await PubSubAsync(new() { ["unsubscribedRetention"] = "0" });

        await pubsub.PublishAsync(Message("random", "kept"));

        Assert.Equal(1, StoredMessages("random"));
    }

    [Fact]
    public async Task A_bulk_publish_whose_caller_has_gone_stores_nothing_more()
    {
        var pubsub = await PubSubAsync();
        var entries = Enumerable.Range(0, 100).Select(i => new BulkPublishEntry("e" + i, Encoding.UTF8.GetBytes("x"), "text/plain", new Dictionary<string, string>())).ToList();
        using var gone = new CancellationTokenSource();
        await gone.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pubsub.PublishBulkAsync("bulk", entries, gone.Token));

        Assert.Equal(0, StoredMessages("bulk"));
    }
}
