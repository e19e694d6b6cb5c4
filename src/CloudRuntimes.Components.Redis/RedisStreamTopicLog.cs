using System.Globalization;
using System.Text.Json;
using CloudRuntimes.Components.PubSub;
using StackExchange.Redis;

namespace CloudRuntimes.Components.Redis;

/// <summary>
/// The topic log of <c>pubsub.redis</c> on Redis Streams: a topic is the stream of that name, a consumer group is
/// a Redis consumer group created at the stream's start (<c>XGROUP CREATE ... 0 MKSTREAM</c>). A lease is one Lua
/// script: when the group has a pending entry (its pending entries list holds at most one, the oldest
/// unacknowledged), it is reclaimed with <c>XCLAIM</c> once its lease or retry delay has passed, counting a
/// delivery; otherwise the next entry is read with <c>XREADGROUP</c>. Acknowledging is <c>XACK</c> (run by the
/// script that leases the next entry, or alone), so an unacknowledged entry survives any client crash. When each lease or retry delay ends is kept in a hash per group.
/// After an acknowledgement, entries every group of the stream is past are trimmed (<c>XTRIM MINID</c>); metadata
/// <c>maxLenApprox</c> also caps stream length on publish (<c>XADD MAXLEN ~</c>; default: no cap).
/// </summary>
internal sealed class RedisStreamTopicLog : ITopicLog
{
    /// <summary>
    /// <c>acknowledge(stream, availability, group, id)</c>: when <c>id</c> is the group's pending entry, acknowledges it
    /// and trims the entries every group of the stream is past.
    /// </summary>
    private const string AcknowledgeFunction = """
        local function older(a, b)
          local am, as = string.match(a, '(%d+)-(%d+)')
          local bm, bs = string.match(b, '(%d+)-(%d+)')
          am, as, bm, bs = tonumber(am), tonumber(as), tonumber(bm), tonumber(bs)
          return am < bm or (am == bm and as < bs)
        end
        local function acknowledge(stream, availability, group, id)
          local pending = redis.call('XPENDING', stream, group, '-', '+', 1)
          if #pending == 0 or pending[1][1] ~= id then return 0 end
          redis.call('XACK', stream, group, id)
          redis.call('HDEL', availability, id)
          local bound = nil
          for _, info in ipairs(redis.call('XINFO', 'GROUPS', stream)) do
            local fields = {}
            for i = 1, #info, 2 do fields[info[i]] = info[i + 1] end
            local mark = fields['last-delivered-id']
            if tonumber(fields['pending']) > 0 then
              mark = redis.call('XPENDING', stream, fields['name'], '-', '+', 1)[1][1]
            end
            if bound == nil or older(mark, bound) then bound = mark end
          end
          if bound then redis.call('XTRIM', stream, 'MINID', bound) end
          return 1
        end

        """;

    /// <summary>KEYS: stream, availability hash; ARGV: group, consumer, now (ms), lease (ms), entry id to acknowledge first or ''.</summary>
    private const string LeaseScript = AcknowledgeFunction + """
        if ARGV[5] ~= '' then acknowledge(KEYS[1], KEYS[2], ARGV[1], ARGV[5]) end
        local pending = redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 1)
        local now = tonumber(ARGV[3])
        local until_ms = now + tonumber(ARGV[4])
        if #pending > 0 then
          local id = pending[1][1]
          local available = tonumber(redis.call('HGET', KEYS[2], id) or '0')
          if now < available then return false end
          local claimed = redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, id)
          if #claimed == 0 or not claimed[1] then
            redis.call('XACK', KEYS[1], ARGV[1], id)
            redis.call('HDEL', KEYS[2], id)
            return false
          end
          redis.call('HSET', KEYS[2], id, until_ms)
          return {claimed[1][2], pending[1][4] + 1, id}
        end
        local read = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', 1, 'STREAMS', KEYS[1], '>')
        if not read then return false end
        local entry = read[1][2][1]
        redis.call('HSET', KEYS[2], entry[1], until_ms)
        return {entry[2], 1, entry[1]}
        """;

    /// <summary>KEYS: stream, availability hash; ARGV: group, entry id, 'ack' or 'release', available again at (ms, for a release).</summary>
    private const string SettleScript = AcknowledgeFunction + """
        if ARGV[3] == 'ack' then return acknowledge(KEYS[1], KEYS[2], ARGV[1], ARGV[2]) end
        local pending = redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 1)
        if #pending == 0 or pending[1][1] ~= ARGV[2] then return 0 end
        redis.call('HSET', KEYS[2], ARGV[2], ARGV[4])
        return 1
        """;

    private readonly ConnectionMultiplexer _connection;
    private readonly IDatabase _database;
    private readonly string _consumerPrefix;
    private readonly string _consumer;
    private readonly int? _maxLength;

    public RedisStreamTopicLog(ConnectionMultiplexer connection, IDatabase database, string appId, int? maxLength)
    {
        _connection = connection;
        _database = database;
        _consumerPrefix = appId + "|";
        _consumer = _consumerPrefix + ProcessIdentity.Current;
        _maxLength = maxLength;
    }

    public async Task AppendAsync(string topic, StoredMessage message, CancellationToken cancellationToken)
    {
        NameValueEntry[] fields =
        [
            new("id", message.Id),
            new("data", message.Data.ToArray()),
            new("contentType", message.ContentType),
            new("metadata", JsonSerializer.Serialize(message.Metadata)),
            new("expiresAt", message.ExpiresAt?.ToUnixTimeMilliseconds() ?? 0),
        ];
        await _database.StreamAddAsync(topic, fields, maxLength: _maxLength, useApproximateMaxLength: _maxLength is not null).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates the group when it does not exist; entries pending on a consumer of this app whose process is gone (killed on
    /// this machine: <see cref="ProcessIdentity.IsGone"/>) become available at once instead of when their lease ends.
    /// </summary>
    public async Task JoinAsync(string topic, string group, CancellationToken cancellationToken)
    {
        try
        {
            await _database.StreamCreateConsumerGroupAsync(topic, group, StreamPosition.Beginning, createStream: true).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            await ReleaseGoneConsumersAsync(topic, group).ConfigureAwait(false);
        }
    }

    private async Task ReleaseGoneConsumersAsync(string topic, string group)
    {
        var pending = await _database.StreamPendingAsync(topic, group).ConfigureAwait(false);
        foreach (var consumer in pending.Consumers)
        {
            var name = consumer.Name.ToString();
            if (!name.StartsWith(_consumerPrefix, StringComparison.Ordinal) || !ProcessIdentity.IsGone(name[_consumerPrefix.Length..]))
            {
                continue;
            }
            var entries = await _database.StreamPendingMessagesAsync(topic, group, consumer.PendingMessageCount, name).ConfigureAwait(false);
            foreach (var entry in entries)
            {
                await _database.HashSetAsync(AvailabilityKey(topic, group), entry.MessageId, 0).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Leases one message at a time (the group's pending entries list holds at most one), whatever <paramref name="maxCount"/> allows.</summary>
    public async Task<IReadOnlyList<LeasedMessage>> LeaseAsync(string topic, string group, int maxCount, TimeSpan leaseDuration, LeasedMessage? acknowledge, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        var result = await _database.ScriptEvaluateAsync(LeaseScript, [topic, AvailabilityKey(topic, group)],
            [group, _consumer, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), (long)leaseDuration.TotalMilliseconds, acknowledge?.Position ?? ""]).ConfigureAwait(false);
        if (result.IsNull)
        {
            return [];
        }
        var parts = (RedisResult[])result!;
        var fields = (RedisResult[])parts[0]!;
        var values = new Dictionary<string, RedisValue>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < fields.Length; i += 2)
        {
            values[fields[i].ToString()] = (RedisValue)fields[i + 1];
        }
        var expiresAt = (long)values["expiresAt"];
        var message = new StoredMessage(
            values["id"].ToString(),
            (byte[])values["data"]!,
            values["contentType"].ToString(),
            JsonSerializer.Deserialize<Dictionary<string, string>>(values["metadata"].ToString()) ?? [],
            expiresAt > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(expiresAt) : null);
        return [new LeasedMessage(message, (int)parts[1], parts[2].ToString())];
    }

    public Task AcknowledgeAsync(string topic, string group, LeasedMessage message, CancellationToken cancellationToken) =>
        _database.ScriptEvaluateAsync(SettleScript, [topic, AvailabilityKey(topic, group)], [group, message.Position, "ack", 0]);

    /// <summary>Keeps the entry pending with its availability delayed; Redis counts its delivery attempts itself.</summary>
    public Task ReleaseAsync(string topic, string group, LeasedMessage message, TimeSpan delay, CancellationToken cancellationToken) =>
        _database.ScriptEvaluateAsync(SettleScript, [topic, AvailabilityKey(topic, group)],
            [group, message.Position, "release", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + (long)delay.TotalMilliseconds]);

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync().ConfigureAwait(false);

    private static string AvailabilityKey(string topic, string group) =>
        string.Create(CultureInfo.InvariantCulture, $"{topic}||cr-available||{group}");
}
