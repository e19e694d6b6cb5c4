using System.Globalization;
using System.Text;
using CloudRuntimes.Components.PubSub;
using CloudRuntimes.Components.Sqlite;
using Microsoft.Data.Sqlite;

namespace CloudRuntimes.Tests.Sqlite;

/// <summary>
/// The retention trim of <c>pubsub.sqlite</c> (messages of topics no consumer group has joined, older than
/// <c>unsubscribedRetention</c>) on real files: SQLite plans it as a range of the publish-time index, in a new file and in a
/// file written before the index existed; one round deletes every old message of such topics, a chunk at a time, and keeps
/// those a group waits for.
/// </summary>
public sealed class SqlitePubSubTrimTests : IAsyncDisposable
{
    private readonly PubSubFolder _folder = new();

    public ValueTask DisposeAsync() => _folder.DisposeAsync();

    /// <summary>A file of the clustered layout as written before messages kept their publish time and leases their holder: no <c>published_at</c>, no index on it.</summary>
    private void WriteFileWithoutPublishTimes()
    {
        _folder.Create();
        using var connection = _folder.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE pubsub_log (topic TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, data BLOB NOT NULL, content_type TEXT NOT NULL,
                metadata TEXT NOT NULL, expires_at INTEGER NULL, PRIMARY KEY (topic, seq)) WITHOUT ROWID;
            CREATE TABLE pubsub_cursors (topic TEXT NOT NULL, consumer_group TEXT NOT NULL, acknowledged INTEGER NOT NULL, leased INTEGER NOT NULL DEFAULT -1,
                attempts INTEGER NOT NULL DEFAULT 0, available_at INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (topic, consumer_group));
            INSERT INTO pubsub_log VALUES ('random', 1, 'm1', CAST('a' AS BLOB), 'text/plain', '{}', NULL), ('orders', 1, 'm2', CAST('b' AS BLOB), 'text/plain', '{}', NULL);
            INSERT INTO pubsub_cursors (topic, consumer_group, acknowledged) VALUES ('orders', 'orders', 0);
            """;
        command.ExecuteNonQuery();
    }

    /// <summary>The lines of SQLite's plan for the trim's statement, as <c>EXPLAIN QUERY PLAN</c> gives them.</summary>
    private List<string> TrimPlan()
    {
        using var connection = _folder.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + SqliteTopicLog.TrimStatement;
        command.Parameters.AddWithValue("$p0", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$p1", long.MinValue);
        command.Parameters.AddWithValue("$p2", SqliteTopicLog.TrimChunk);
        using var reader = command.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read())
        {
            lines.Add(reader.GetString(3));
        }
        return lines;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_trim_reads_a_range_of_the_publish_time_index_not_the_whole_table(bool fileWithoutPublishTimes)
    {
        if (fileWithoutPublishTimes)
        {
            WriteFileWithoutPublishTimes();
        }
        await _folder.BuildAsync();

        var plan = TrimPlan();

        // The messages to delete are found by a search of the index between the two publish-time bounds; a scan of
        // pubsub_log (every message read, each round) is what the trim did without the index.
        Assert.Contains(plan, line => System.Text.RegularExpressions.Regex.IsMatch(line, @"^SEARCH pubsub_log USING (COVERING )?INDEX pubsub_log_published \(published_at>\? AND published_at<\?\)$"));
        Assert.DoesNotContain(plan, line => line.StartsWith("SCAN pubsub_log", StringComparison.Ordinal));
    }

    [Fact]
    public async Task One_round_deletes_every_old_message_of_topics_without_group_a_chunk_at_a_time_and_keeps_awaited_ones()
    {
        _folder.Create();
        // The log disposes its session.
        var log = new SqliteTopicLog(new SqliteSession(new SqliteConnectionStringBuilder { DataSource = _folder.File }.ToString(), "FULL"));
        var token = TestContext.Current.CancellationToken;
        try
        {
            // The awaited topic's messages are the oldest, so the first chunk's index range starts among them. The others
            // are 2,400 (three chunks), 400 a topic, each topic's written as a group of 256 then one of 144, each group
            // with one publish time: the first chunk ends inside the fifth group (at 1,000 of 800-1,056), whose rest the
            // next chunk must still find.
            await log.JoinAsync("awaited", "orders", token);
            await log.AppendBatchAsync("awaited", Messages(700), token);
            for (var topic = 0; topic < 6; topic++)
            {
                await log.AppendBatchAsync("random-" + topic.ToString(CultureInfo.InvariantCulture), Messages(400), token);
            }

            var dropped = await log.TrimUnsubscribedAsync(DateTimeOffset.UtcNow.AddSeconds(1), token);

            Assert.Equal(2400, dropped);
            using var connection = _folder.Connect();
            using var count = connection.CreateCommand();
            count.CommandText = "SELECT topic, COUNT(*) FROM pubsub_log GROUP BY topic";
            using var reader = count.ExecuteReader();
            Assert.True(reader.Read());
            Assert.Equal(("awaited", 700L), (reader.GetString(0), reader.GetInt64(1)));
            Assert.False(reader.Read());
        }
        finally
        {
            await log.DisposeAsync();
        }
    }

    private static List<StoredMessage> Messages(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new StoredMessage(Guid.NewGuid().ToString(), Encoding.UTF8.GetBytes("x"), "text/plain", new Dictionary<string, string>(), null))];
}
