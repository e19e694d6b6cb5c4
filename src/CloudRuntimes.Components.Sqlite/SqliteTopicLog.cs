using System.Collections.Concurrent;
using System.Globalization;
using CloudRuntimes.Components.PubSub;
using Microsoft.Data.Sqlite;

namespace CloudRuntimes.Components.Sqlite;

/// <summary>
/// The topic log of <c>pubsub.sqlite</c>: messages persist in a SQLite file until every consumer group of their
/// topic has acknowledged them, so a restart (or a crash) loses nothing that was published. Messages are kept in one
/// table clustered by topic and sequence number (numbered per topic, in publish order), so a publish writes one
/// table page (and the right edge of the publish-time index) and a delivery reads its messages in one range scan.
/// Each group has a cursor row: the sequence number up to which it has acknowledged, the last message it has leased,
/// the attempts of the first leased message and when it is available again. Every operation is one transaction (a
/// bulk publish and a trim: one per group or chunk), so several processes may share a file. Appends are
/// group-committed: the appends waiting when the writer is free are written in one transaction (each completes once
/// that transaction commits), so many concurrent publishers take the connection for one commit instead of one each,
/// and delivery (lease, acknowledge) keeps its share of it. There is no writer thread: the publisher that finds no
/// write in progress writes the waiting appends itself, so a lone publish completes on its own thread without a
/// hand-off. A bulk publish (<see cref="ITopicBatchAppend"/>) queues its messages a transaction's worth at a time.
/// Each message keeps when it was published (indexed), so messages of topics no consumer group has joined can be
/// dropped after a while (<see cref="ITopicRetention"/>, <see cref="SqliteRetentionTrim"/>), a chunk per transaction.
/// </summary>
internal sealed class SqliteTopicLog : ITopicLog, ITopicBatchAppend, ITopicBacklog, ITopicRetention
{
    /// <summary>The most appends written in one transaction.</summary>
    private const int MaxAppendBatch = 256;

    /// <summary>The data bytes after which no further append joins a transaction (one larger append is written alone).</summary>
    private const long MaxAppendBatchBytes = 1024 * 1024;

    /// <summary>
    /// Leases and acknowledgements survive a crash of the process at once (so a message that crashes its handler
    /// still counts its attempts toward the dead-letter limit) but are synced to disk only with the next append or
    /// checkpoint: after a power loss a delivery may repeat (at-least-once) with its attempt counted once less.
    /// Appends are always synced: a published message survives power loss.
    /// </summary>
    private const CommitDurability Bookkeeping = CommitDurability.ProcessCrash;

    /// <summary>
    /// The next sequence number of topic <c>$p0</c>: one past the highest retained or acknowledged, so numbers are
    /// never reused when every message of the topic has been acknowledged and deleted.
    /// </summary>
    private const string NextSequence =
        "1 + MAX(COALESCE((SELECT MAX(seq) FROM pubsub_log WHERE topic = $p0), 0), COALESCE((SELECT MAX(acknowledged) FROM pubsub_cursors WHERE topic = $p0), 0))";

    private readonly SqliteSession _session;
    private readonly SqliteRetentionTrim _trim;
    private readonly ConcurrentQueue<PendingAppend> _appends = new();
    private int _writing;
    private Task _writer = Task.CompletedTask;
    private volatile bool _disposed;

    public SqliteTopicLog(SqliteSession session)
    {
        _session = session;
        _trim = new SqliteRetentionTrim(session);
        _session.Execute("""
            CREATE TABLE IF NOT EXISTS pubsub_log (
                topic TEXT NOT NULL,
                seq INTEGER NOT NULL,
                id TEXT NOT NULL,
                data BLOB NOT NULL,
                content_type TEXT NOT NULL,
                metadata TEXT NOT NULL,
                expires_at INTEGER NULL,
                published_at INTEGER NULL,
                PRIMARY KEY (topic, seq)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS pubsub_cursors (
                topic TEXT NOT NULL,
                consumer_group TEXT NOT NULL,
                acknowledged INTEGER NOT NULL,
                leased INTEGER NOT NULL DEFAULT -1,
                attempts INTEGER NOT NULL DEFAULT 0,
                available_at INTEGER NOT NULL DEFAULT 0,
                owner TEXT NULL,
                PRIMARY KEY (topic, consumer_group));
            """);
        MoveFirstLayout();
        AddLeaseOwners();
        AddPublishTimes();
    }

    /// <summary>
    /// Files written before messages kept their publish time get the <c>published_at</c> column; their messages count as
    /// published now, so none is dropped before a full retention period has passed after the upgrade. Every file gets the
    /// index on it (files written before it had none), so the retention trim reads only old messages.
    /// </summary>
    private void AddPublishTimes()
    {
        if (_session.ExecuteScalar("SELECT 1 FROM pragma_table_info('pubsub_log') WHERE name = 'published_at'") is null)
        {
            _session.Execute("ALTER TABLE pubsub_log ADD COLUMN published_at INTEGER NULL");
        }
        _session.Execute("CREATE INDEX IF NOT EXISTS pubsub_log_published ON pubsub_log (published_at)");
        _session.Execute("UPDATE pubsub_log SET published_at = " + DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) + " WHERE published_at IS NULL");
    }

    /// <summary>Files written before leases named their holder get the <c>owner</c> column (null: a lease of unknown holder, which runs out).</summary>
    private void AddLeaseOwners()
    {
        if (_session.ExecuteScalar("SELECT 1 FROM pragma_table_info('pubsub_cursors') WHERE name = 'owner'") is null)
        {
            _session.Execute("ALTER TABLE pubsub_cursors ADD COLUMN owner TEXT NULL");
        }
    }

    /// <summary>
    /// Files written before the clustered table kept messages in <c>pubsub_messages</c>, numbered across topics: those
    /// messages move to <c>pubsub_log</c> with their numbers (still increasing per topic, so every cursor stays valid).
    /// </summary>
    private void MoveFirstLayout()
    {
        if (_session.ExecuteScalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'pubsub_messages'") is null)
        {
            return;
        }
        // Another process may move them first: the table is re-created empty for this transaction's statements then.
        _session.Execute("BEGIN IMMEDIATE");
        try
        {
            _session.Execute("""
                CREATE TABLE IF NOT EXISTS pubsub_messages (seq INTEGER PRIMARY KEY, topic TEXT, id TEXT, data BLOB, content_type TEXT, metadata TEXT, expires_at INTEGER);
                INSERT INTO pubsub_log (topic, seq, id, data, content_type, metadata, expires_at)
                    SELECT topic, seq, id, data, content_type, metadata, expires_at FROM pubsub_messages;
                DROP TABLE pubsub_messages;
                """);
            _session.Execute("COMMIT");
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            // Nothing moved: the old table stays as it was, and the component fails to open with SQLite's reason.
            _session.Execute("ROLLBACK");
            throw;
        }
    }

    public Task AppendAsync(string topic, StoredMessage message, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var pending = Enqueue(topic, message);
        StartWriter();
        return pending.Stored.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Queues the messages for the writer a transaction's worth at a time (<see cref="MaxAppendBatch"/> messages or
    /// <see cref="MaxAppendBatchBytes"/> of data), waiting for each group's commit before queuing the next, so a bulk
    /// takes one commit per group and other writers (appends, leases, acknowledgements) take turns between its groups.
    /// </summary>
    public async Task<IReadOnlyList<Exception?>> AppendBatchAsync(string topic, IReadOnlyList<StoredMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var outcomes = new Exception?[messages.Count];
        var group = new List<PendingAppend>(Math.Min(messages.Count, MaxAppendBatch));
        var next = 0;
        while (next < messages.Count)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_disposed)
            {
                outcomes.AsSpan(next).Fill(new ObjectDisposedException(nameof(SqliteTopicLog)));
                break;
            }
            group.Clear();
            long bytes = 0;
            while (next + group.Count < messages.Count && !IsFull(group.Count, bytes))
            {
                var message = messages[next + group.Count];
                group.Add(Enqueue(topic, message));
                bytes += message.Data.Length;
            }
            StartWriter();
            foreach (var pending in group)
            {
                outcomes[next++] = await OutcomeAsync(pending).ConfigureAwait(false);
            }
        }
        return outcomes;
    }

    /// <summary>Null once <paramref name="pending"/> is durable, else why its transaction failed.</summary>
    private static async Task<Exception?> OutcomeAsync(PendingAppend pending)
    {
        try
        {
            await pending.Stored.Task.ConfigureAwait(false);
            return null;
        }
#pragma warning disable CA1031 // The writer completes an append only with the failure of its transaction; it is reported per message.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return e;
        }
    }

    private PendingAppend Enqueue(string topic, StoredMessage message)
    {
        var pending = new PendingAppend(topic, message, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _appends.Enqueue(pending);
        return pending;
    }

    /// <summary>Becomes the writer when none is running: the caller then usually writes what it queued before returning.</summary>
    private void StartWriter()
    {
        if (Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
        {
            _writer = WriteAppendsAsync();
        }
    }

    /// <summary>Whether a transaction of <paramref name="count"/> appends with <paramref name="bytes"/> of data takes no more.</summary>
    private static bool IsFull(int count, long bytes) => count >= MaxAppendBatch || bytes >= MaxAppendBatchBytes;

    /// <summary>The writer of appends: each round writes the waiting appends (up to <see cref="IsFull"/>) in one transaction, until none waits.</summary>
    private async Task WriteAppendsAsync()
    {
        var batch = new List<PendingAppend>();
        while (true)
        {
            long bytes = 0;
            while (!IsFull(batch.Count, bytes) && _appends.TryDequeue(out var next))
            {
                batch.Add(next);
                bytes += next.Message.Data.Length;
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
            var failure = await TryWriteAsync(batch).ConfigureAwait(false);
            foreach (var pending in batch)
            {
                Complete(pending, failure);
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
                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                foreach (var (topic, message, _) in appends)
                {
                    sql.Execute(
                        $"INSERT INTO pubsub_log (topic, seq, id, data, content_type, metadata, expires_at, published_at) VALUES ($p0, {NextSequence}, $p1, $p2, $p3, $p4, $p5, $p6)",
                        topic, message.Id, message.Data.ToArray(), message.ContentType, message.MetadataJson(), message.ExpiresAt?.ToUnixTimeMilliseconds(), now);
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

    public Task<long?> BacklogAsync(string topic, string group, CancellationToken cancellationToken) =>
        _session.ReadAsync<long?>(sql => sql.Scalar(
            "SELECT COUNT(*) FROM pubsub_log WHERE topic = $p0 AND seq > (SELECT acknowledged FROM pubsub_cursors WHERE topic = $p0 AND consumer_group = $p1)",
            topic, group) is long count ? count : 0, cancellationToken);

    /// <summary>
    /// Deletes the messages published before <paramref name="publishedBefore"/> to topics without consumer group, found
    /// through the publish-time index and deleted in (topic, seq) order, <see cref="SqliteRetentionTrim.Chunk"/> per
    /// transaction (<see cref="SqliteRetentionTrim"/>), so a trim of millions of messages holds the writer for one chunk at a time.
    /// </summary>
    public Task<long> TrimUnsubscribedAsync(DateTimeOffset publishedBefore, CancellationToken cancellationToken) =>
        _trim.RunAsync(publishedBefore.ToUnixTimeMilliseconds(), cancellationToken);

    public Task JoinAsync(string topic, string group, CancellationToken cancellationToken) =>
        _session.InTransactionAsync(sql => sql.Execute(
            "INSERT OR IGNORE INTO pubsub_cursors (topic, consumer_group, acknowledged) VALUES ($p0, $p1, COALESCE((SELECT MIN(seq) - 1 FROM pubsub_log WHERE topic = $p0), 0))",
            topic, group), cancellationToken);

    public Task<IReadOnlyList<LeasedMessage>> LeaseAsync(string topic, string group, string consumer, int maxCount, TimeSpan leaseDuration, LeasedMessage? acknowledge, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        var acknowledged = acknowledge is null ? null : SequenceOf(acknowledge);
        return _session.InTransactionAsync<IReadOnlyList<LeasedMessage>>(sql =>
        {
            if (acknowledged is { } sequence)
            {
                Acknowledge(sql, topic, group, sequence);
            }
            if (sql.QueryFirst("SELECT acknowledged, leased, attempts, available_at, owner FROM pubsub_cursors WHERE topic = $p0 AND consumer_group = $p1",
                r => new Cursor(r.GetInt64(0), r.GetInt64(1), r.GetInt32(2), r.GetInt64(3), r.IsDBNull(4) ? null : r.GetString(4)), topic, group) is not { } cursor)
            {
                return [];
            }
            // Messages past the acknowledged cursor are never deleted, so a lease range means its first message is still there.
            var releasedAgain = cursor.LeasedThrough > cursor.Acknowledged;
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            // A lease whose holder is gone (a killed process of this machine) is over at once; any other runs its course.
            if (releasedAgain && now < cursor.AvailableAt && !(cursor.Owner != ProcessIdentity.Current && ProcessIdentity.IsGone(cursor.Owner)))
            {
                return [];
            }
            var messages = sql.Query("SELECT seq, id, data, content_type, metadata, expires_at FROM pubsub_log WHERE topic = $p0 AND seq > $p1 ORDER BY seq LIMIT $p2",
                r => (Seq: r.GetInt64(0), Message: ToMessage(r)), topic, cursor.Acknowledged, releasedAgain ? 1 : maxCount);
            if (messages.Count == 0)
            {
                return [];
            }
            var attempts = releasedAgain ? cursor.Attempts + 1 : 1;
            sql.Execute("UPDATE pubsub_cursors SET leased = $p2, attempts = $p3, available_at = $p4, owner = $p5 WHERE topic = $p0 AND consumer_group = $p1",
                topic, group, messages[^1].Seq, attempts, now + (long)leaseDuration.TotalMilliseconds, ProcessIdentity.Current);
            return [.. messages.Select((m, i) => new LeasedMessage(m.Message, i == 0 ? attempts : 1, m.Seq.ToString(CultureInfo.InvariantCulture)))];
        }, cancellationToken, Bookkeeping);
    }

    public Task AcknowledgeAsync(string topic, string group, string consumer, LeasedMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (SequenceOf(message) is not { } sequence)
        {
            return Task.CompletedTask;
        }
        return _session.InTransactionAsync(sql => Acknowledge(sql, topic, group, sequence), cancellationToken, Bookkeeping);
    }

    /// <summary>Moves the group's cursor to a message under its lease and deletes what every group of the topic has acknowledged.</summary>
    private static int Acknowledge(SqliteSession.Statements sql, string topic, string group, long sequence)
    {
        var updated = sql.Execute($"UPDATE pubsub_cursors SET acknowledged = $p2, leased = -1, attempts = 0, owner = NULL WHERE {IsLeased}", topic, group, sequence);
        if (updated > 0)
        {
            sql.Execute("DELETE FROM pubsub_log WHERE topic = $p0 AND seq <= (SELECT MIN(acknowledged) FROM pubsub_cursors WHERE topic = $p0)", topic);
        }
        return updated;
    }

    public Task ReleaseAsync(string topic, string group, string consumer, LeasedMessage message, TimeSpan delay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (SequenceOf(message) is not { } sequence)
        {
            return Task.CompletedTask;
        }
        // Every earlier message of the topic was in this lease before it, so sequence - 1 is a valid acknowledged cursor.
        return _session.InTransactionAsync(sql => sql.Execute(
            $"UPDATE pubsub_cursors SET acknowledged = $p2 - 1, leased = $p2, attempts = $p3, available_at = $p4, owner = NULL WHERE {IsLeased}",
            topic, group, sequence, message.DeliveryAttempt, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + (long)delay.TotalMilliseconds), cancellationToken, Bookkeeping);
    }

    /// <summary>Nothing to do: the group's one lease is taken by whichever consumer asks.</summary>
    public Task LeaveAsync(string topic, string group, string consumer, CancellationToken cancellationToken) => Task.CompletedTask;

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

    /// <summary>The cursor of topic <c>$p0</c> and group <c>$p1</c>, when the message numbered <c>$p2</c> is under its lease.</summary>
    private const string IsLeased = "topic = $p0 AND consumer_group = $p1 AND $p2 > acknowledged AND $p2 <= leased";

    /// <summary>The sequence number a lease of this log gave the message; null for a position this log did not give.</summary>
    private static long? SequenceOf(LeasedMessage message) =>
        long.TryParse(message.Position, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) ? sequence : null;

    private static StoredMessage ToMessage(SqliteDataReader row) => new(
        row.GetString(1),
        (byte[])row.GetValue(2),
        row.GetString(3),
        StoredMessage.ParseMetadata(row.GetString(4)),
        row.IsDBNull(5) ? null : DateTimeOffset.FromUnixTimeMilliseconds(row.GetInt64(5)));
}

/// <summary>An append waiting for the writer; <see cref="Stored"/> completes when it is durable.</summary>
internal sealed record PendingAppend(string Topic, StoredMessage Message, TaskCompletionSource Stored);

/// <summary>A consumer group's cursor: acknowledged through, leased through, attempts of the first leased message, when the lease or retry delay ends, and who holds the lease (null: released, or of unknown holder).</summary>
internal sealed record Cursor(long Acknowledged, long LeasedThrough, int Attempts, long AvailableAt, string? Owner);
