using System.Text.Json;
using System.Collections.Concurrent;
using CloudRuntimes.Components.PubSub;
using Microsoft.Data.Sqlite;

namespace CloudRuntimes.Components.Sqlite;

/// <summary>
/// The topic log of <c>pubsub.sqlite</c>: messages persist in a SQLite file until every consumer group of their
/// topic has acknowledged them, so a restart (or a crash) loses nothing that was published. Each group has a
/// cursor row: the sequence number up to which it has acknowledged, the message it has leased, the attempts of
/// that message and when it is available again. Every operation is one transaction, so several processes may
/// share a file. Appends are group-committed: the appends waiting when the writer is free are written in one
/// transaction (each completes once that transaction commits), so many concurrent publishers take the connection
/// for one commit instead of one each, and delivery (lease, acknowledge) keeps its share of it. There is no writer
/// thread: the publisher that finds no write in progress writes the waiting appends itself, so a lone publish
/// completes on its own thread without a hand-off.
/// </summary>
internal sealed class SqliteTopicLog : ITopicLog
{
    private const int MaxAppendBatch = 256;

    /// <summary>
    /// Leases and acknowledgements survive a crash of the process at once (so a message that crashes its handler
    /// still counts its attempts toward the dead-letter limit) but are synced to disk only with the next append or
    /// checkpoint: after a power loss a delivery may repeat (at-least-once) with its attempt counted once less.
    /// Appends are always synced: a published message survives power loss.
    /// </summary>
    private const CommitDurability Bookkeeping = CommitDurability.ProcessCrash;

    private readonly SqliteSession _session;
    private readonly ConcurrentQueue<PendingAppend> _appends = new();
    private int _writing;
    private Task _writer = Task.CompletedTask;
    private volatile bool _disposed;

    public SqliteTopicLog(SqliteSession session)
    {
        _session = session;
        _session.Execute("""
            CREATE TABLE IF NOT EXISTS pubsub_messages (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                topic TEXT NOT NULL,
                id TEXT NOT NULL UNIQUE,
                data BLOB NOT NULL,
                content_type TEXT NOT NULL,
                metadata TEXT NOT NULL,
                expires_at INTEGER NULL);
            CREATE INDEX IF NOT EXISTS pubsub_messages_by_topic ON pubsub_messages (topic, seq);
            CREATE TABLE IF NOT EXISTS pubsub_cursors (
                topic TEXT NOT NULL,
                consumer_group TEXT NOT NULL,
                acknowledged INTEGER NOT NULL,
                leased INTEGER NOT NULL DEFAULT -1,
                attempts INTEGER NOT NULL DEFAULT 0,
                available_at INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (topic, consumer_group));
            """);
    }

    public Task AppendAsync(string topic, StoredMessage message, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var pending = new PendingAppend(topic, message, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _appends.Enqueue(pending);
        if (Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
        {
            // No writer is running: this caller becomes it, and usually finishes its own append before returning.
            _writer = WriteAppendsAsync();
        }
        return pending.Stored.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The writer of appends: each round writes every waiting append (up to a bound) in one transaction, until none waits.</summary>
    private async Task WriteAppendsAsync()
    {
        var batch = new List<PendingAppend>();
        while (true)
        {
            while (batch.Count < MaxAppendBatch && _appends.TryDequeue(out var next))
            {
                batch.Add(next);
            }
            if (batch.Count == 0)
            {
                Volatile.Write(ref _writing, 0);
                // An append queued after the last dequeue saw a writer running and left its append to it: take it over.
                if (_appends.IsEmpty || Interlocked.CompareExchange(ref _writing, 1, 0) != 0)
                {
                    return;
                }
                continue;
            }
            if (await TryWriteAsync(batch).ConfigureAwait(false) is null)
            {
                batch.ForEach(pending => pending.Stored.TrySetResult());
            }
            else
            {
                // One bad append (a duplicate id) must not fail the others: write them one at a time.
                foreach (var pending in batch)
                {
                    Complete(pending, await TryWriteAsync([pending]).ConfigureAwait(false));
                }
            }
            batch.Clear();
        }
    }

    private static void Complete(PendingAppend pending, Exception? failure)
    {
        if (failure is null)
        {
            pending.Stored.TrySetResult();
        }
        else
        {
            pending.Stored.TrySetException(failure);
        }
    }

    /// <summary>Writes appends in one transaction; returns the failure, or null when they are durable.</summary>
    private async Task<Exception?> TryWriteAsync(List<PendingAppend> appends)
    {
        try
        {
            await _session.InTransactionAsync(sql =>
            {
                foreach (var (topic, message, _) in appends)
                {
                    sql.Execute(
                        "INSERT INTO pubsub_messages (topic, id, data, content_type, metadata, expires_at) VALUES ($p0, $p1, $p2, $p3, $p4, $p5)",
                        topic, message.Id, message.Data.ToArray(), message.ContentType, JsonSerializer.Serialize(message.Metadata), message.ExpiresAt?.ToUnixTimeMilliseconds());
                }
                return true;
            }, CancellationToken.None).ConfigureAwait(false);
            return null;
        }
#pragma warning disable CA1031 // Any failure must reach the publishers waiting on these appends, or they would wait forever.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return e;
        }
    }

    public Task JoinAsync(string topic, string group, CancellationToken cancellationToken) =>
        _session.InTransactionAsync(sql => sql.Execute(
            "INSERT OR IGNORE INTO pubsub_cursors (topic, consumer_group, acknowledged) VALUES ($p0, $p1, COALESCE((SELECT MIN(seq) - 1 FROM pubsub_messages WHERE topic = $p0), 0))",
            topic, group), cancellationToken);

    public Task<IReadOnlyList<LeasedMessage>> LeaseAsync(string topic, string group, int maxCount, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        return _session.InTransactionAsync<IReadOnlyList<LeasedMessage>>(sql =>
        {
            if (sql.QueryFirst("SELECT acknowledged, leased, attempts, available_at FROM pubsub_cursors WHERE topic = $p0 AND consumer_group = $p1",
                r => new Cursor(r.GetInt64(0), r.GetInt64(1), r.GetInt32(2), r.GetInt64(3)), topic, group) is not { } cursor)
            {
                return [];
            }
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var head = sql.QueryFirst("SELECT seq FROM pubsub_messages WHERE topic = $p0 AND seq > $p1 ORDER BY seq LIMIT 1", r => (object)r.GetInt64(0), topic, cursor.Acknowledged);
            if (head is null)
            {
                return [];
            }
            var releasedAgain = (long)head <= cursor.LeasedThrough;
            if (releasedAgain && now < cursor.AvailableAt)
            {
                return [];
            }
            var attempts = releasedAgain ? cursor.Attempts + 1 : 1;
            var messages = sql.Query("SELECT seq, id, data, content_type, metadata, expires_at FROM pubsub_messages WHERE topic = $p0 AND seq > $p1 ORDER BY seq LIMIT $p2",
                r => (Seq: r.GetInt64(0), Message: ToMessage(r)), topic, cursor.Acknowledged, releasedAgain ? 1 : maxCount);
            sql.Execute("UPDATE pubsub_cursors SET leased = $p2, attempts = $p3, available_at = $p4 WHERE topic = $p0 AND consumer_group = $p1",
                topic, group, messages[^1].Seq, attempts, now + (long)leaseDuration.TotalMilliseconds);
            return [.. messages.Select((m, i) => new LeasedMessage(m.Message, i == 0 ? attempts : 1))];
        }, cancellationToken, Bookkeeping);
    }

    public Task AcknowledgeAsync(string topic, string group, string messageId, CancellationToken cancellationToken) =>
        _session.InTransactionAsync(sql =>
        {
            var updated = sql.Execute(
                $"UPDATE pubsub_cursors SET acknowledged = m.seq, leased = -1, attempts = 0 FROM {LeasedMessageOf} WHERE {IsLeased}",
                topic, group, messageId);
            if (updated > 0)
            {
                sql.Execute("DELETE FROM pubsub_messages WHERE topic = $p0 AND seq <= (SELECT MIN(acknowledged) FROM pubsub_cursors WHERE topic = $p0)", topic);
            }
            return updated;
        }, cancellationToken, Bookkeeping);

    public Task ReleaseAsync(string topic, string group, LeasedMessage message, TimeSpan delay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        // Every earlier message of the topic was in this lease before it, so seq - 1 is a valid acknowledged cursor.
        return _session.InTransactionAsync(sql => sql.Execute(
            $"UPDATE pubsub_cursors SET acknowledged = m.seq - 1, leased = m.seq, attempts = $p3, available_at = $p4 FROM {LeasedMessageOf} WHERE {IsLeased}",
            topic, group, message.Message.Id, message.DeliveryAttempt, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + (long)delay.TotalMilliseconds), cancellationToken, Bookkeeping);
    }

    public async ValueTask DisposeAsync()
    {
        // Appends already accepted are written before the connection closes.
        _disposed = true;
        await _writer.ConfigureAwait(false);
        if (Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
        {
            await WriteAppendsAsync().ConfigureAwait(false);
        }
        _session.Dispose();
    }

    /// <summary>The message with id <c>$p2</c>, joined to the cursor of topic <c>$p0</c> and group <c>$p1</c> in an UPDATE.</summary>
    private const string LeasedMessageOf = "(SELECT seq FROM pubsub_messages WHERE id = $p2) AS m";

    /// <summary>The message is under the group's current lease.</summary>
    private const string IsLeased = "topic = $p0 AND consumer_group = $p1 AND m.seq > acknowledged AND m.seq <= leased";

    private static StoredMessage ToMessage(SqliteDataReader row) => new(
        row.GetString(1),
        (byte[])row.GetValue(2),
        row.GetString(3),
        JsonSerializer.Deserialize<Dictionary<string, string>>(row.GetString(4)) ?? [],
        row.IsDBNull(5) ? null : DateTimeOffset.FromUnixTimeMilliseconds(row.GetInt64(5)));
}

/// <summary>An append waiting for the writer; <see cref="Stored"/> completes when it is durable.</summary>
internal sealed record PendingAppend(string Topic, StoredMessage Message, TaskCompletionSource Stored);

/// <summary>A consumer group's cursor row.</summary>
internal sealed record Cursor(long Acknowledged, long LeasedThrough, int Attempts, long AvailableAt);
