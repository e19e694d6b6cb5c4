namespace CloudRuntimes.Components.PubSub;

/// <summary>
/// The topic log of <c>pubsub.in-memory</c>: messages and consumer-group cursors in process memory. Each group has
/// a cursor (every message up to it is acknowledged) and at most one leased message, the oldest after the cursor,
/// so a group processes a topic strictly in order. Messages every known group has acknowledged are dropped.
/// </summary>
internal sealed class InMemoryTopicLog : ITopicLog
{
    private readonly Dictionary<string, TopicState> _topics = new(StringComparer.Ordinal);
    private readonly System.Threading.Lock _gate = new();

    public Task AppendAsync(string topic, StoredMessage message, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var state = Topic(topic);
            state.Messages.Add(message);
            state.SequenceOf[message.Id] = state.FirstSequence + state.Messages.Count - 1;
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

    public Task<LeasedMessage?> LeaseAsync(string topic, string group, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var state = Topic(topic);
            var cursor = Cursor(state, group);
            var next = cursor.Acknowledged + 1;
            if (next >= state.FirstSequence + state.Messages.Count)
            {
                return Task.FromResult<LeasedMessage?>(null);
            }
            var now = DateTimeOffset.UtcNow;
            if (cursor.Leased == next)
            {
                if (now < cursor.AvailableAt)
                {
                    return Task.FromResult<LeasedMessage?>(null);
                }
                cursor.Attempts++;
            }
            else
            {
                cursor.Leased = next;
                cursor.Attempts = 1;
            }
            cursor.AvailableAt = now + leaseDuration;
            return Task.FromResult<LeasedMessage?>(new LeasedMessage(state.Messages[(int)(next - state.FirstSequence)], cursor.Attempts));
        }
    }

    public Task AcknowledgeAsync(string topic, string group, string messageId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var state = Topic(topic);
            var cursor = Cursor(state, group);
            if (state.SequenceOf.TryGetValue(messageId, out var sequence) && cursor.Leased == sequence)
            {
                cursor.Acknowledged = sequence;
                cursor.Leased = -1;
                Trim(state);
            }
        }
        return Task.CompletedTask;
    }

    public Task ReleaseAsync(string topic, string group, string messageId, TimeSpan delay, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var state = Topic(topic);
            var cursor = Cursor(state, group);
            if (state.SequenceOf.TryGetValue(messageId, out var sequence) && cursor.Leased == sequence)
            {
                cursor.AvailableAt = DateTimeOffset.UtcNow + delay;
            }
        }
        return Task.CompletedTask;
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

    private static void Trim(TopicState state)
    {
        var done = state.Groups.Values.Min(g => g.Acknowledged) - state.FirstSequence + 1;
        if (done <= 0)
        {
            return;
        }
        foreach (var message in state.Messages.Take((int)done))
        {
            state.SequenceOf.Remove(message.Id);
        }
        state.Messages.RemoveRange(0, (int)done);
        state.FirstSequence += done;
    }

    private sealed class TopicState
    {
        public List<StoredMessage> Messages { get; } = [];

        public Dictionary<string, long> SequenceOf { get; } = new(StringComparer.Ordinal);

        public long FirstSequence { get; set; }

        public Dictionary<string, GroupCursor> Groups { get; } = new(StringComparer.Ordinal);
    }

    private sealed class GroupCursor
    {
        public long Acknowledged { get; set; }

        public long Leased { get; set; } = -1;

        public int Attempts { get; set; }

        public DateTimeOffset AvailableAt { get; set; }
    }
}
