using System.Globalization;

namespace CloudRuntimes.Components.PubSub;

/// <summary>
/// The topic log of <c>pubsub.in-memory</c>: messages and consumer-group cursors in process memory. Each group has
/// a cursor (every message up to it is acknowledged) and a lease over the messages right after the cursor (up to
/// <c>LeasedThrough</c>), so a group processes a topic strictly in order. Messages every known group has acknowledged are dropped.
/// </summary>
internal sealed class InMemoryTopicLog : ITopicLog, ITopicBacklog
{
    private readonly Dictionary<string, TopicState> _topics = new(StringComparer.Ordinal);
    private readonly System.Threading.Lock _gate = new();

    public Task AppendAsync(string topic, StoredMessage message, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var state = Topic(topic);
            state.Messages.Add(message);
        }
        return Task.CompletedTask;
    }

    public Task JoinAsync(string topic, string group, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Cursor(Topic(topic), group);
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<LeasedMessage>> LeaseAsync(string topic, string group, string consumer, int maxCount, TimeSpan leaseDuration, LeasedMessage? acknowledge, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        lock (_gate)
        {
            var state = Topic(topic);
            var cursor = Cursor(state, group);
            if (acknowledge is not null)
            {
                Acknowledge(state, cursor, acknowledge);
            }
            var head = cursor.Acknowledged + 1;
            var available = state.FirstSequence + state.Messages.Count - head;
            if (available <= 0)
            {
                return Task.FromResult<IReadOnlyList<LeasedMessage>>([]);
            }
            var now = DateTimeOffset.UtcNow;
            int count;
            if (head <= cursor.LeasedThrough)
            {
                if (now < cursor.AvailableAt)
                {
                    return Task.FromResult<IReadOnlyList<LeasedMessage>>([]);
                }
                cursor.Attempts++;
                count = 1;
            }
            else
            {
                cursor.Attempts = 1;
                count = (int)Math.Min(maxCount, available);
            }
            cursor.LeasedThrough = head + count - 1;
            cursor.AvailableAt = now + leaseDuration;
            var leased = new LeasedMessage[count];
            for (var i = 0; i < count; i++)
            {
                var sequence = head + i;
                leased[i] = new LeasedMessage(state.Messages[(int)(sequence - state.FirstSequence)], i == 0 ? cursor.Attempts : 1, sequence.ToString(CultureInfo.InvariantCulture));
            }
            return Task.FromResult<IReadOnlyList<LeasedMessage>>(leased);
        }
    }

    public Task AcknowledgeAsync(string topic, string group, string consumer, LeasedMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_gate)
        {
            var state = Topic(topic);
            Acknowledge(state, Cursor(state, group), message);
        }
        return Task.CompletedTask;
    }

    private static void Acknowledge(TopicState state, GroupCursor cursor, LeasedMessage message)
    {
        if (LeasedSequence(cursor, message) is { } sequence)
        {
            cursor.Acknowledged = sequence;
            cursor.LeasedThrough = -1;
            Trim(state);
        }
    }

    public Task ReleaseAsync(string topic, string group, string consumer, LeasedMessage message, TimeSpan delay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_gate)
        {
            var state = Topic(topic);
            var cursor = Cursor(state, group);
            if (LeasedSequence(cursor, message) is { } sequence)
            {
                cursor.Acknowledged = sequence - 1;
                cursor.LeasedThrough = sequence;
                cursor.Attempts = message.DeliveryAttempt;
                cursor.AvailableAt = DateTimeOffset.UtcNow + delay;
                Trim(state);
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>Nothing to do: the group's one lease is taken by whichever consumer asks.</summary>
    public Task LeaveAsync(string topic, string group, string consumer, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<long?> BacklogAsync(string topic, string group, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<long?>(_topics.TryGetValue(topic, out var state) && state.Groups.TryGetValue(group, out var cursor)
                ? state.FirstSequence + state.Messages.Count - 1 - cursor.Acknowledged
                : 0);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private TopicState Topic(string topic)
    {
        if (!_topics.TryGetValue(topic, out var state))
        {
            state = new TopicState();
            _topics[topic] = state;
        }
        return state;
    }

    private static GroupCursor Cursor(TopicState state, string group)
    {
        if (!state.Groups.TryGetValue(group, out var cursor))
        {
            cursor = new GroupCursor { Acknowledged = state.FirstSequence - 1 };
            state.Groups[group] = cursor;
        }
        return cursor;
    }

    /// <summary>The sequence number of a message under the group's current lease; null otherwise.</summary>
    private static long? LeasedSequence(GroupCursor cursor, LeasedMessage message) =>
        long.TryParse(message.Position, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) && sequence > cursor.Acknowledged && sequence <= cursor.LeasedThrough ? sequence : null;

    private static void Trim(TopicState state)
    {
        var done = state.Groups.Values.Min(g => g.Acknowledged) - state.FirstSequence + 1;
        if (done <= 0)
        {
            return;
        }
        state.Messages.RemoveRange(0, (int)done);
        state.FirstSequence += done;
    }

    private sealed class TopicState
    {
        public List<StoredMessage> Messages { get; } = [];

        public long FirstSequence { get; set; }

        public Dictionary<string, GroupCursor> Groups { get; } = new(StringComparer.Ordinal);
    }

    private sealed class GroupCursor
    {
        public long Acknowledged { get; set; }

        public long LeasedThrough { get; set; } = -1;

        public int Attempts { get; set; }

        public DateTimeOffset AvailableAt { get; set; }
    }
}
