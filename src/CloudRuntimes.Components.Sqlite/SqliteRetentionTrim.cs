using System.Buffers;
using System.Text;
using System.Text.Json;

namespace CloudRuntimes.Components.Sqlite;

/// <summary>
/// The retention trim of <see cref="SqliteTopicLog"/>: deletes the messages published before a time to topics no consumer
/// group has joined (no row in <c>pubsub_cursors</c>). A round finds them through the index on <c>published_at</c>, a
/// window of up to <see cref="Window"/> messages at a time read on a reader (the writer is not held), as one range of
/// sequence numbers per topic, and deletes those ranges in topic order, <see cref="Chunk"/> messages per transaction:
/// the order of the table's own (topic, seq) clustering, so each table page of a packed backlog is written about once
/// per window instead of once per chunk. Every delete checks again that the topic has no group and the message is old,
/// so a topic joined between chunks keeps the rest and messages published during the round stay.
/// </summary>
internal sealed class SqliteRetentionTrim(SqliteSession session)
{
    /// <summary>The most messages one transaction deletes (when a topic's old messages are numbered without gaps; see <see cref="Split"/>).</summary>
    internal const int Chunk = 1000;

    /// <summary>The most old messages (of topics without group) one window of the publish-time index covers, beyond those of its last millisecond.</summary>
    internal const int Window = 100 * Chunk;

    /// <summary>
    /// The topic name characters (8 MiB) one read of a window's ranges keeps; a window of more is read again after the last
    /// topic kept. 100,000 names of 32 characters take one read.
    /// </summary>
    internal const int MaxReadTopicChars = 4 << 20;

    /// <summary>
    /// The publish time (Unix milliseconds) of the (<c>$p2</c> + 1)th oldest message published at or after <c>$p0</c> and
    /// before <c>$p1</c> to a topic without group: where a window of <see cref="Window"/> such messages ends. No row: fewer are left.
    /// </summary>
    internal const string WindowEndStatement = """
        SELECT published_at FROM pubsub_log
        WHERE published_at >= $p0 AND published_at < $p1 AND NOT EXISTS (SELECT 1 FROM pubsub_cursors c WHERE c.topic = pubsub_log.topic)
        ORDER BY published_at LIMIT 1 OFFSET $p2
        """;

    /// <summary>
    /// The messages published from <c>$p0</c> through <c>$p1</c> (Unix milliseconds) to topics without group named after
    /// <c>$p2</c> (null: every topic), one row per topic in topic order: topic, first and last sequence number, count.
    /// </summary>
    internal const string RangesStatement = """
        SELECT topic, MIN(seq), MAX(seq), COUNT(*) FROM pubsub_log
        WHERE published_at >= $p0 AND published_at <= $p1 AND ($p2 IS NULL OR topic > $p2)
            AND NOT EXISTS (SELECT 1 FROM pubsub_cursors c WHERE c.topic = pubsub_log.topic)
        GROUP BY topic ORDER BY topic
        """;

    /// <summary>
    /// One chunk: deletes the messages in the ranges of <c>$p0</c> (a JSON array of <c>[topic, first seq, last seq]</c>)
    /// published before <c>$p1</c> (Unix milliseconds) to topics without group, each range read through the primary key.
    /// </summary>
    internal const string DeleteStatement = """
        DELETE FROM pubsub_log WHERE (topic, seq) IN (
            SELECT pubsub_log.topic, pubsub_log.seq FROM json_each($p0) AS r CROSS JOIN pubsub_log
            WHERE pubsub_log.topic = r.value ->> 0 AND pubsub_log.seq BETWEEN r.value ->> 1 AND r.value ->> 2
                AND pubsub_log.published_at < $p1 AND NOT EXISTS (SELECT 1 FROM pubsub_cursors c WHERE c.topic = pubsub_log.topic))
        """;

    /// <summary>
    /// Deletes every message published before <paramref name="before"/> (Unix milliseconds) to a topic without group,
    /// window by window in publish-time order, each window's ranges in topic order.
    /// </summary>
    /// <returns>How many messages were deleted.</returns>
    public async Task<long> RunAsync(long before, CancellationToken cancellationToken)
    {
        long dropped = 0;
        var from = long.MinValue;
        while (from < before)
        {
            var end = await session.ReadAsync(sql => sql.Scalar(WindowEndStatement, from, before, Window - 1) as long? ?? before - 1, cancellationToken).ConfigureAwait(false);
            string? after = null;
            while (true)
            {
                var (ranges, complete) = await session.ReadAsync(sql => ReadRanges(sql, from, end, after), cancellationToken).ConfigureAwait(false);
                foreach (var chunk in Split(ranges))
                {
                    // Synced with the next append or checkpoint: a delete lost to power loss is done again by the next round.
                    dropped += await session.InTransactionAsync(sql => sql.Execute(DeleteStatement, chunk, before), cancellationToken, CommitDurability.ProcessCrash).ConfigureAwait(false);
                }
                if (complete)
                {
                    break;
                }
                after = ranges[^1].Topic;
            }
            from = end + 1;
        }
        return dropped;
    }

    /// <summary>The window's ranges after topic <paramref name="after"/>, up to <see cref="MaxReadTopicChars"/> of topic names; complete when none is left out.</summary>
    private static (List<TopicRange> Ranges, bool Complete) ReadRanges(SqliteSession.Statements sql, long from, long end, string? after)
    {
        var ranges = new List<TopicRange>();
        long chars = 0;
        foreach (var range in sql.Each(RangesStatement, r => new TopicRange(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3)), from, end, after))
        {
            ranges.Add(range);
            chars += range.Topic.Length;
            if (chars >= MaxReadTopicChars)
            {
                return (ranges, false);
            }
        }
        return (ranges, true);
    }

    /// <summary>
    /// The chunks of <paramref name="ranges"/> (in their order), each a JSON array of <c>[topic, first seq, last seq]</c>
    /// covering up to <see cref="Chunk"/> messages. A range of more messages than a chunk has left is cut after as many
    /// sequence numbers, which hold at most that many messages (the key is unique); its count goes down by as many, exact
    /// unless the topic's numbers have gaps (messages kept by an earlier round as published later, the clock having gone back).
    /// </summary>
    internal static IEnumerable<string> Split(IEnumerable<TopicRange> ranges)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using var json = new Utf8JsonWriter(buffer);
        var left = Chunk;
        json.WriteStartArray();
        foreach (var (topic, first, last, count) in ranges)
        {
            for (var (from, remaining) = (first, count); from <= last;)
            {
                // At least one message is left while the range is not done (fewer than counted only when numbers have gaps).
                var estimate = Math.Max(remaining, 1);
                var to = estimate <= left ? last : from + left - 1;
                json.WriteStartArray();
                json.WriteStringValue(topic);
                json.WriteNumberValue(from);
                json.WriteNumberValue(to);
                json.WriteEndArray();
                left -= (int)Math.Min(estimate, left);
                remaining -= to - from + 1;
                from = to + 1;
                if (left == 0)
                {
                    yield return Finish(json, buffer);
                    left = Chunk;
                    json.WriteStartArray();
                }
            }
        }
        if (left < Chunk)
        {
            yield return Finish(json, buffer);
        }
    }

    /// <summary>Closes the array written so far and returns it as text; the writer and buffer start over.</summary>
    private static string Finish(Utf8JsonWriter json, ArrayBufferWriter<byte> buffer)
    {
        json.WriteEndArray();
        json.Flush();
        var text = Encoding.UTF8.GetString(buffer.WrittenSpan);
        buffer.Clear();
        json.Reset();
        return text;
    }
}

/// <summary>A topic's old messages in one window: the first and last sequence number among them and how many there are.</summary>
internal readonly record struct TopicRange(string Topic, long First, long Last, long Count);
