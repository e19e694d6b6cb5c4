using System.Text;
using CloudRuntimes.Components;
using CloudRuntimes.Components.Composition;
using CloudRuntimes.Components.Sqlite;
using CloudRuntimes.PubSub;
using CloudRuntimes.State;

namespace CloudRuntimes.Tests.Sqlite;

/// <summary>
/// SQLite components as the runtime server wires them (default names, files under the data directory), and their
/// durability: state and messages acknowledged by one instance are read by a fresh instance after the first was
/// dropped without being disposed.
/// </summary>
public sealed class SqliteComponentTests : IAsyncDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "cr-sqlite-" + Guid.NewGuid().ToString("N"));
    private readonly List<CloudRuntimesComponents> _built = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var components in _built)
        {
            await components.DisposeAsync();
        }
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private async Task<CloudRuntimesComponents> BuildServerDefaultsAsync(bool track = true)
    {
        var builder = new CloudRuntimesBuilder("orders", _dataDirectory).AddSqliteComponents();
        builder.AddComponent("statestore", "state.sqlite")
            .AddComponent("pubsub", "pubsub.sqlite")
            .AddComponent("lockstore", "lock.sqlite")
            .AddComponent("scheduler", "jobs.sqlite")
            .AddComponent("database", "database.sqlite")
            .AddComponent("files", "file.local")
            .AddComponent("secretstore", "secretstores.local.env");
        var components = await builder.BuildAsync();
        if (track)
        {
            _built.Add(components);
        }
        return components;
    }

    [Fact]
    public async Task Server_default_components_build_with_files_under_the_data_directory()
    {
        var components = await BuildServerDefaultsAsync();

        Assert.Equal(["database", "files", "lockstore", "pubsub", "scheduler", "secretstore", "statestore"], components.Components.Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["ETAG", "TRANSACTIONAL", "TTL", "QUERY_API"], components.Components.Single(c => c.Name == "statestore").Capabilities);
        foreach (var name in new[] { "statestore", "pubsub", "lockstore", "scheduler", "database" })
        {
            Assert.True(File.Exists(Path.Combine(_dataDirectory, name + ".db")), $"{name}.db should exist in the data directory");
        }
    }

    [Fact]
    public async Task Sqlite_memory_gauge_reports_the_memory_of_the_open_connections()
    {
        await BuildServerDefaultsAsync();
        long? reported = null;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == CloudRuntimes.Telemetry.CloudRuntimesTelemetry.Name && instrument.Name == "cloudruntimes.sqlite.memory.used")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => reported = value);
        listener.Start();

        listener.RecordObservableInstruments();

        // Five open SQLite connections each hold at least their schema and page cache headers.
        Assert.True(reported > 0, $"cloudruntimes.sqlite.memory.used should be positive with open connections, got {reported?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "nothing"}");
    }

    [Fact]
    public async Task Saved_state_survives_dropping_the_component_without_disposing()
    {
        var first = await BuildServerDefaultsAsync(track: false);
        await first.GetStateStore("statestore").SaveAsync(new SaveStateItem("order-1", Encoding.UTF8.GetBytes("{\"total\":42}")));
        // The first instance is dropped here: never disposed, its connection never closed cleanly.

        var second = await BuildServerDefaultsAsync();
        var item = await second.GetStateStore("statestore").GetAsync("order-1");

        Assert.Equal("{\"total\":42}", Encoding.UTF8.GetString(item!.Value.Span));
    }

    [Fact]
    public async Task Published_message_survives_dropping_the_component_and_is_delivered_after_restart()
    {
        var first = await BuildServerDefaultsAsync(track: false);
        await first.GetPubSub("pubsub").PublishAsync(new PublishRequest("orders", Encoding.UTF8.GetBytes("created"), "text/plain"));

        var second = await BuildServerDefaultsAsync();
        var received = new TaskCompletionSource<string>();
        await using var subscription = await second.GetPubSub("pubsub").SubscribeAsync(new TopicSubscription("orders"), (m, _) =>
        {
            received.TrySetResult(Encoding.UTF8.GetString(m.Data.Span));
            return Task.FromResult(DeliveryStatus.Success);
        });

        Assert.Equal("created", await received.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Unacknowledged_message_is_redelivered_after_restart_and_acknowledged_one_is_not()
    {
        var first = await BuildServerDefaultsAsync();
        var pubsub = first.GetPubSub("pubsub");
        await pubsub.PublishAsync(new PublishRequest("jobs", Encoding.UTF8.GetBytes("done"), "text/plain"));
        await pubsub.PublishAsync(new PublishRequest("jobs", Encoding.UTF8.GetBytes("pending"), "text/plain"));
        var seen = new TaskCompletionSource();
        var subscription = await pubsub.SubscribeAsync(new TopicSubscription("jobs", RetryDelay: TimeSpan.FromMilliseconds(20)), (m, _) =>
        {
            if (Encoding.UTF8.GetString(m.Data.Span) == "done")
            {
                return Task.FromResult(DeliveryStatus.Success);
            }
            seen.TrySetResult();
            return Task.FromResult(DeliveryStatus.Retry);
        });
        await seen.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await subscription.DisposeAsync();
        await first.DisposeAsync();
        _built.Remove(first);

        var second = await BuildServerDefaultsAsync();
        var received = new List<string>();
        var got = new TaskCompletionSource();
        await using var again = await second.GetPubSub("pubsub").SubscribeAsync(new TopicSubscription("jobs"), (m, _) =>
        {
            lock (received)
            {
                received.Add(Encoding.UTF8.GetString(m.Data.Span));
            }
            got.TrySetResult();
            return Task.FromResult(DeliveryStatus.Success);
        });
        await got.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(300);

        Assert.Equal(["pending"], received);
    }

    [Fact]
    public async Task Sequence_numbers_are_not_reused_once_every_message_is_acknowledged_and_deleted()
    {
        var pubsub = (await BuildServerDefaultsAsync()).GetPubSub("pubsub");
        var first = new TaskCompletionSource<string>();
        var subscription = await pubsub.SubscribeAsync(new TopicSubscription("orders"), (m, _) =>
        {
            first.TrySetResult(Encoding.UTF8.GetString(m.Data.Span));
            return Task.FromResult(DeliveryStatus.Success);
        });
        await pubsub.PublishAsync(new PublishRequest("orders", Encoding.UTF8.GetBytes("one"), "text/plain"));
        Assert.Equal("one", await first.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        await subscription.DisposeAsync(); // settles: "one" is acknowledged and deleted, the topic's table is empty

        var second = new TaskCompletionSource<string>();
        await using var again = await pubsub.SubscribeAsync(new TopicSubscription("orders"), (m, _) =>
        {
            second.TrySetResult(Encoding.UTF8.GetString(m.Data.Span));
            return Task.FromResult(DeliveryStatus.Success);
        });
        await pubsub.PublishAsync(new PublishRequest("orders", Encoding.UTF8.GetBytes("two"), "text/plain"));

        // Numbered 1 again, "two" would sit at the group's acknowledged cursor and never be delivered.
        Assert.Equal("two", await second.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Messages_stored_in_the_first_file_layout_are_delivered_after_upgrade()
    {
        // The first layout: one table numbered across topics, and the cursor of group "orders" (the app id) past message 1.
        Directory.CreateDirectory(_dataDirectory);
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_dataDirectory, "pubsub.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE pubsub_messages (seq INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, id TEXT NOT NULL UNIQUE, data BLOB NOT NULL,
                    content_type TEXT NOT NULL, metadata TEXT NOT NULL, expires_at INTEGER NULL);
                CREATE TABLE pubsub_cursors (topic TEXT NOT NULL, consumer_group TEXT NOT NULL, acknowledged INTEGER NOT NULL, leased INTEGER NOT NULL DEFAULT -1,
                    attempts INTEGER NOT NULL DEFAULT 0, available_at INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (topic, consumer_group));
                INSERT INTO pubsub_messages (topic, id, data, content_type, metadata) VALUES
                    ('orders', 'm1', CAST('a' AS BLOB), 'text/plain', '{}'),
                    ('audit', 'm2', CAST('x' AS BLOB), 'text/plain', '{}'),
                    ('orders', 'm3', CAST('b' AS BLOB), 'text/plain', '{"k":"v"}'),
                    ('orders', 'm4', CAST('c' AS BLOB), 'text/plain', '{}');
                INSERT INTO pubsub_cursors (topic, consumer_group, acknowledged) VALUES ('orders', 'orders', 1), ('audit', 'orders', 0);
                """;
            command.ExecuteNonQuery();
        }

        var pubsub = (await BuildServerDefaultsAsync()).GetPubSub("pubsub");
        var received = new List<(string Id, string Data)>();
        var three = new TaskCompletionSource();
        await using var subscription = await pubsub.SubscribeAsync(new TopicSubscription("orders"), (m, _) =>
        {
            lock (received)
            {
                received.Add((m.Id, Encoding.UTF8.GetString(m.Data.Span)));
                if (received.Count == 3)
                {
                    three.TrySetResult();
                }
            }
            return Task.FromResult(DeliveryStatus.Success);
        });
        var published = await pubsub.PublishAsync(new PublishRequest("orders", Encoding.UTF8.GetBytes("d"), "text/plain"));
        await three.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([("m3", "b"), ("m4", "c"), (published, "d")], received);
    }

    [Fact]
    public async Task Jobs_survive_a_restart()
    {
        var first = await BuildServerDefaultsAsync(track: false);
        await first.GetJobScheduler("scheduler").ScheduleAsync(new Jobs.Job("nightly", "@daily", null, null, null, Encoding.UTF8.GetBytes("x")));

        var second = await BuildServerDefaultsAsync();

        Assert.Equal("@daily", (await second.GetJobScheduler("scheduler").GetAsync("nightly"))!.Schedule);
    }

    [Fact]
    public async Task Table_name_that_is_not_an_identifier_is_rejected()
    {
        var builder = new CloudRuntimesBuilder("orders", _dataDirectory).AddSqliteComponents();
        builder.AddComponent("statestore", "state.sqlite", new Dictionary<string, string> { ["tableName"] = "state; DROP TABLE x" });

        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => builder.BuildAsync());

        Assert.Contains("tableName", error.Message, StringComparison.Ordinal);
    }
}
