using System.Globalization;
using System.Text;
using CloudRuntimes.Components.PubSub;
using CloudRuntimes.Components.Sqlite;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace CloudRuntimes.Tests.Sqlite;

/// <summary>
/// The retention trim of <c>pubsub.sqlite</c> (messages of topics no consumer group has joined, older than
/// <c>unsubscribedRetention</c>) on real files: SQLite plans its reads as ranges of the publish-time index and its deletes
/// as ranges of the primary key, in a new file and in a file written before the index existed; one round deletes every old
/// message of such topics, a chunk at a time in topic order, and keeps those a group waits for, those of a topic joined
/// between chunks and recent ones.
/// </summary>
public sealed class SqlitePubSubTrimTests : IAsyncDisposable
{
    private readonly PubSubFolder _folder = new();
    private SqliteTopicLog? _log;

    public async ValueTask DisposeAsync()
    {
        if (_log is not null)
        {
            await _log.DisposeAsync();
        }
        await _folder.DisposeAsync();
    }

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

    /// <summary>The lines of SQLite's plan for <paramref name="statement"/> with <paramref name="parameters"/> as <c>$p0</c>, <c>$p1</c>, ..., as <c>EXPLAIN QUERY PLAN</c> gives them.</summary>
    private List<string> Plan(string statement, params object[] parameters)
    {
        using var connection = _folder.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + statement;
        for (var i = 0; i < parameters.Length; i++)
        {
            command.Parameters.AddWithValue("$p" + i.ToString(CultureInfo.InvariantCulture), parameters[i]);
        }
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
    public async Task Every_statement_of_the_trim_searches_an_index_none_reads_the_whole_table(bool fileWithoutPublishTimes)
    {
        if (fileWithoutPublishTimes)
        {
            WriteFileWithoutPublishTimes();
        }
        await _folder.BuildAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var windowEnd = Plan(SqliteRetentionTrim.WindowEndStatement, long.MinValue, now, SqliteRetentionTrim.Window - 1);
        var ranges = Plan(SqliteRetentionTrim.RangesStatement, long.MinValue, now, DBNull.Value);
        var rangesAfter = Plan(SqliteRetentionTrim.RangesStatement, long.MinValue, now, "orders");
        var delete = Plan(SqliteRetentionTrim.DeleteStatement, """[["random",1,1000]]""", now);

        // The windows are searches of the publish-time index between two bounds; the chunk's deletes read each range
        // through the primary key. A scan of pubsub_log (every message read, each round) is what the trim did without
        // the index; a scan of it per range would read the table once per topic.
        const string IndexRange = @"^SEARCH pubsub_log USING (COVERING )?INDEX pubsub_log_published \(published_at>\? AND published_at<\?\)$";
        Assert.Contains(windowEnd, line => Regex.IsMatch(line, IndexRange));
        Assert.Contains(ranges, line => Regex.IsMatch(line, IndexRange));
        Assert.Contains(rangesAfter, line => Regex.IsMatch(line, IndexRange));
        Assert.Contains(delete, line => line == "SEARCH pubsub_log USING PRIMARY KEY (topic=? AND seq>? AND seq<?)");
        foreach (var plan in new[] { windowEnd, ranges, rangesAfter, delete })
        {
            Assert.DoesNotContain(plan, line => line.StartsWith("SCAN pubsub_log", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task One_round_deletes_every_old_message_of_topics_without_group_a_chunk_at_a_time_and_keeps_awaited_ones()
    {
        var log = OpenLog();
        var token = TestContext.Current.CancellationToken;
        // The awaited topic's messages are the oldest: the window reads pass over them. The others are 2,400, 400 a
        // topic, published through the log: three chunks in topic order (400 + 400 + 200, 200 + 400 + 400, 400), the
        // first ending inside the third topic, whose rest the next chunk deletes.
        await log.JoinAsync("awaited", "orders", token);
        await log.AppendBatchAsync("awaited", Messages(700), token);
        for (var topic = 0; topic < 6; topic++)
        {
            await log.AppendBatchAsync("random-" + topic.ToString(CultureInfo.InvariantCulture), Messages(400), token);
        }

        var dropped = await log.TrimUnsubscribedAsync(DateTimeOffset.UtcNow.AddSeconds(1), token);

        Assert.Equal(2400, dropped);
        using var connection = _folder.Connect();
        Assert.Equal(["awaited:1-700/700"], Left(connection));
    }

    [Fact]
    public async Task A_backlog_of_more_than_one_window_is_read_window_by_window_each_with_all_of_its_last_millisecond()
    {
        var log = OpenLog();
        var token = TestContext.Current.CancellationToken;
        // w1 and w2 have 60,000 messages each, one of each every millisecond from 1,000; w3 one at 50,999. Before
        // 50,999 there are 2 x 49,999 = 99,998, so the 100,000th (where the first window ends) is w2's at 50,999, and
        // the window holds all three of that millisecond (100,001); the second window starts at 51,000.
        Assert.Equal(100_000, SqliteRetentionTrim.Window);
        using var connection = _folder.Connect();
        Insert(connection, "w1", 1, 60_000, 1_000, 1);
        Insert(connection, "w2", 1, 60_000, 1_000, 1);
        Insert(connection, "w3", 1, 1, 50_999, 0);

        var dropped = await log.TrimUnsubscribedAsync(DateTimeOffset.FromUnixTimeMilliseconds(100_000), token);

        Assert.Equal(120_001, dropped);
        Assert.Empty(Left(connection));
    }

    /// <summary>
    /// Messages written straight into the file: <paramref name="count"/> of <paramref name="topic"/> numbered from
    /// <paramref name="firstSeq"/>, the i-th (from 0) published at <paramref name="firstPublished"/> + i x <paramref name="every"/> (Unix ms).
    /// </summary>
    private static void Insert(SqliteConnection connection, string topic, long firstSeq, int count, long firstPublished, long every)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $count)
            INSERT INTO pubsub_log (topic, seq, id, data, content_type, metadata, expires_at, published_at)
            SELECT $topic, $seq + i, $topic || '-' || ($seq + i), x'00', 'text/plain', '{}', NULL, $published + i * $every FROM n
            """;
        command.Parameters.AddWithValue("$topic", topic);
        command.Parameters.AddWithValue("$seq", firstSeq);
        command.Parameters.AddWithValue("$count", count);
        command.Parameters.AddWithValue("$published", firstPublished);
        command.Parameters.AddWithValue("$every", every);
        command.ExecuteNonQuery();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>The sequence numbers left in the file per topic, as "topic:first-last/count".</summary>
    private static List<string> Left(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT topic, MIN(seq), MAX(seq), COUNT(*) FROM pubsub_log GROUP BY topic ORDER BY topic";
        using var reader = command.ExecuteReader();
        var left = new List<string>();
        while (reader.Read())
        {
            left.Add(string.Create(CultureInfo.InvariantCulture, $"{reader.GetString(0)}:{reader.GetInt64(1)}-{reader.GetInt64(2)}/{reader.GetInt64(3)}"));
        }
        return left;
    }

    /// <summary>The log on the test's file (created with the folder); disposed (with its session) after the test.</summary>
    private SqliteTopicLog OpenLog()
    {
        _folder.Create();
        _log = new SqliteTopicLog(new SqliteSession(new SqliteConnectionStringBuilder { DataSource = _folder.File }.ToString(), "FULL"));
        return _log;
    }

    [Fact]
    public async Task A_round_deletes_in_topic_order_so_a_topic_joined_between_chunks_keeps_the_rest_and_recent_messages_stay()
    {
        var log = OpenLog();
        var token = TestContext.Current.CancellationToken;
        // Retention ends at 10,000 ms. Topics a (600) and b (800) are old and interleaved in publish time (a at
        // 1,000, 1,002, ...; b at 1,001, 1,003, ...); awaited (50 old) has a group; c has 300 old then 200 recent;
        // d's clock went back (old, recent, old); z has 10 old. Deleting a's messages (the first chunk) joins a
        // group to b and publishes z's 11th message at 30,000, as another process could between two chunks.
        using var connection = _folder.Connect();
        Insert(connection, "a", 1, 600, 1_000, 2);
        Insert(connection, "b", 1, 800, 1_001, 2);
        Insert(connection, "awaited", 1, 50, 500, 1);
        Execute(connection, "INSERT INTO pubsub_cursors (topic, consumer_group, acknowledged) VALUES ('awaited', 'orders', 0)");
        Insert(connection, "c", 1, 300, 5_000, 1);
        Insert(connection, "c", 301, 200, 20_000, 1);
        Insert(connection, "d", 1, 1, 5_000, 0);
        Insert(connection, "d", 2, 1, 20_000, 0);
        Insert(connection, "d", 3, 1, 5_001, 0);
        Insert(connection, "z", 1, 10, 3_000, 1);
        Execute(connection, """
            CREATE TRIGGER between_chunks AFTER DELETE ON pubsub_log WHEN OLD.topic = 'a' BEGIN
                INSERT OR IGNORE INTO pubsub_cursors (topic, consumer_group, acknowledged) VALUES ('b', 'late', 0);
                INSERT OR IGNORE INTO pubsub_log (topic, seq, id, data, content_type, metadata, expires_at, published_at)
                    VALUES ('z', 11, 'z-11', x'00', 'text/plain', '{}', NULL, 30000);
            END
            """);

        var dropped = await log.TrimUnsubscribedAsync(DateTimeOffset.FromUnixTimeMilliseconds(10_000), token);

        // In topic order: the first chunk is a's 600 and b's 1-400; the second finds b joined (401-800 stay) and
        // drops c's 300 old, d's 1 and 3, z's 1-10: 1,000 + 312. In publish-time order the first chunk would have
        // taken 500 of each of a and b.
        Assert.Equal(1_312, dropped);
        Assert.Equal(["awaited:1-50/50", "b:401-800/400", "c:301-500/200", "d:2-2/1", "z:11-11/1"], Left(connection));
    }

    [Fact]
    public async Task A_window_of_more_topic_name_characters_than_one_read_keeps_is_read_again_after_the_last_topic_kept()
    {
        var log = OpenLog();
        var token = TestContext.Current.CancellationToken;
        // Six topics of 1,000,000-character names, two old messages each: a read keeps five (5,000,000 characters,
        // past the 4,194,304 it keeps), the sixth is read again after the fifth.
        Assert.Equal(4 << 20, SqliteRetentionTrim.MaxReadTopicChars);
        using var connection = _folder.Connect();
        foreach (var letter in "abcdef")
        {
            Insert(connection, new string(letter, 1_000_000), 1, 2, 1_000, 1);
        }

        var dropped = await log.TrimUnsubscribedAsync(DateTimeOffset.FromUnixTimeMilliseconds(10_000), token);

        Assert.Equal(12, dropped);
        Assert.Empty(Left(connection));
    }

    [Fact]
    public void Chunks_hold_whole_ranges_in_order_and_cut_a_longer_one_after_as_many_numbers_as_the_chunk_has_left()
    {
        TopicRange[] ranges = [new("a", 1, 600, 600), new("b", 1, 2_500, 2_500), new("c", 5, 7, 2), new("d", 10, 1_000_000, 3)];

        var chunks = SqliteRetentionTrim.Split(ranges).ToList();

        // a fills 600 of 1,000; b's 2,500 are cut at 400, 1,400 and 2,400; c (2 of 5-7) and d (3 of 10-1,000,000: numbers
        // with gaps) are whole.
        Assert.Equal(
            [
                """[["a",1,600],["b",1,400]]""",
                """[["b",401,1400]]""",
                """[["b",1401,2400]]""",
                """[["b",2401,2500],["c",5,7],["d",10,1000000]]""",
            ],
            chunks);
    }

    private static List<StoredMessage> Messages(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new StoredMessage(Guid.NewGuid().ToString(), Encoding.UTF8.GetBytes("x"), "text/plain", new Dictionary<string, string>(), null))];
}
