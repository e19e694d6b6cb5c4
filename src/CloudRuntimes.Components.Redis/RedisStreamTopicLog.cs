using System.Globalization;
using CloudRuntimes.Components.PubSub;
using StackExchange.Redis;

namespace CloudRuntimes.Components.Redis;

/// <summary>
/// The topic log of <c>pubsub.redis</c> on Redis Streams, with competing consumers: a topic is the stream of that name,
/// a consumer group is a Redis consumer group created at the stream's start (<c>XGROUP CREATE ... 0 MKSTREAM</c>), and
/// every subscriber is a Redis consumer of its own, <c>{appId}|{host/pid/start}|{n}</c>. So the replicas of an app —
/// one group per topic — split a topic's messages: a lease reads up to a batch of new entries for its consumer alone
/// (<c>XREADGROUP ... &gt;</c>). Each lease is one Lua script that first settles what the consumer acknowledged, then
/// takes, in this order: the consumer's own pending entries (a message released for retry is leased alone once its
/// delay has passed, and holds back everything after it — for that consumer only; messages returned uncounted follow
/// in a batch); when it has none, entries of other consumers pending longer than <c>processingTimeout</c> (Dapr's
/// metadata, default 60s: a replica that died or hangs), claimed with <c>XAUTOCLAIM</c> — the first of a lease that ran
/// out comes again alone with its delivery counted, the rest of that lease uncounted, as a lease that runs out on the
/// other logs; then new entries. Per entry
/// the log keeps, in a hash per group, its counted deliveries, when a retry makes it available, and whether it is
/// under a lease. A consumer that holds entries back keeps them from looking idle at every poll (<c>XCLAIM ... JUSTID</c>);
/// a subscriber that stops, and the consumers of this app whose process is gone from this machine (found when a
/// subscriber of the group joins), hand their entries to the group at once (<c>XCLAIM ... IDLE</c>). Acknowledging is
/// <c>XACK</c>, after which entries every group is past are trimmed (<c>XTRIM MINID</c>); metadata <c>maxLenApprox</c>
/// also caps stream length on publish (<c>XADD MAXLEN ~</c>). A handler that runs longer than <c>processingTimeout</c>
/// may see its messages claimed by another replica and delivered there too (at-least-once).
/// </summary>
internal sealed class RedisStreamTopicLog : ITopicLog
{
    /// <summary>Idle time given to the entries a consumer hands back, so any other consumer's <c>XAUTOCLAIM</c> takes them (about 3 years, in ms).</summary>
    private const long HandBackIdle = 100_000_000_000;

    /// <summary>Helpers of every script. Per entry id the group's hash holds <c>n:id</c> (deliveries counted), <c>a:id</c> (available again at, ms) and <c>l:id</c> (under a lease).</summary>
    private const string Functions = """
        local function older(a, b)
          local am, as = string.match(a, '(%d+)-(%d+)')
          local bm, bs = string.match(b, '(%d+)-(%d+)')
          am, as, bm, bs = tonumber(am), tonumber(as), tonumber(bm), tonumber(bs)
          return am < bm or (am == bm and as < bs)
        end
        local function trim(stream)
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
        end
        local function own(stream, group, consumer)
          return redis.call('XPENDING', stream, group, '-', '+', 1000, consumer)
        end
        -- XCLAIM ... JUSTID of the ids to the consumer: resets their idle time (or sets it to `idle` ms), counting no delivery.
        local function touch(stream, group, consumer, ids, idle)
          local args = {'XCLAIM', stream, group, consumer, 0}
          for _, id in ipairs(ids) do args[#args + 1] = id end
          if idle then
            args[#args + 1] = 'IDLE'
            args[#args + 1] = idle
          end
          args[#args + 1] = 'JUSTID'
          return redis.call(unpack(args))
        end
        local function forget(meta, id)
          redis.call('HDEL', meta, 'n:' .. id, 'a:' .. id, 'l:' .. id)
        end
        local function hand_back(meta, id)
          if redis.call('HDEL', meta, 'l:' .. id) == 1 then redis.call('HINCRBY', meta, 'n:' .. id, -1) end
        end
        -- Entries taken over from a lease that ran out: the first one under it had reached a handler (its delivery counts, and it
        -- is leased again alone); the others of that lease go back uncounted.
        local function take_over(meta, ids)
          local first = true
          for _, id in ipairs(ids) do
            if redis.call('HDEL', meta, 'l:' .. id) == 1 then
              if first then
                redis.call('HSET', meta, 'a:' .. id, 0)
                first = false
              else
                redis.call('HINCRBY', meta, 'n:' .. id, -1)
              end
            end
          end
        end
        -- Acknowledges the consumer's entries up to and including `through`; its other leased entries go back uncounted.
        local function settle(stream, meta, group, consumer, through)
          local acked = false
          for _, e in ipairs(own(stream, group, consumer)) do
            if through and not older(through, e[1]) then
              redis.call('XACK', stream, group, e[1])
              forget(meta, e[1])
              acked = true
            else
              hand_back(meta, e[1])
            end
          end
          if acked then trim(stream) end
        end

        """;

    /// <summary>KEYS: stream, group hash; ARGV: group, consumer, now (ms), most entries, processing timeout (ms), entry to acknowledge through or ''.</summary>
    private const string LeaseScript = Functions + """
        local stream, meta, group, consumer = KEYS[1], KEYS[2], ARGV[1], ARGV[2]
        local now, max = tonumber(ARGV[3]), tonumber(ARGV[4])
        if ARGV[6] ~= '' then settle(stream, meta, group, consumer, ARGV[6]) end
        local mine = own(stream, group, consumer)
        if #mine == 0 then
          local claimed = redis.call('XAUTOCLAIM', stream, group, consumer, ARGV[5], '0-0', 'COUNT', max, 'JUSTID')
          take_over(meta, claimed[2])
          if #claimed[2] > 0 then mine = own(stream, group, consumer) end
        end
        local ids = {}
        if #mine > 0 then
          local available = tonumber(redis.call('HGET', meta, 'a:' .. mine[1][1]) or '-1')
          if now < available then
            for _, e in ipairs(mine) do ids[#ids + 1] = e[1] end
            touch(stream, group, consumer, ids, nil)
            return false
          end
          ids[1] = mine[1][1]
          if available < 0 then
            for i = 2, math.min(#mine, max) do
              if redis.call('HEXISTS', meta, 'a:' .. mine[i][1]) == 1 then break end
              ids[#ids + 1] = mine[i][1]
            end
          end
          local result = {}
          for _, entry in ipairs(redis.call('XCLAIM', stream, group, consumer, 0, unpack(ids))) do
            if type(entry) == 'table' and entry[2] then
              local n = redis.call('HINCRBY', meta, 'n:' .. entry[1], 1)
              redis.call('HDEL', meta, 'a:' .. entry[1])
              redis.call('HSET', meta, 'l:' .. entry[1], 1)
              result[#result + 1] = {entry[2], n, entry[1]}
            end
          end
          if #result == 0 then return false end
          return result
        end
        local read = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', max, 'STREAMS', stream, '>')
        if not read then return false end
        local result = {}
        for _, entry in ipairs(read[1][2]) do
          redis.call('HSET', meta, 'n:' .. entry[1], 1, 'l:' .. entry[1], 1)
          result[#result + 1] = {entry[2], 1, entry[1]}
        end
        return result
        """;

    /// <summary>KEYS: stream, group hash; ARGV: group, consumer, entry to acknowledge through.</summary>
    private const string AcknowledgeScript = Functions + """
        settle(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3])
        return 1
        """;

    /// <summary>KEYS: stream, group hash; ARGV: group, consumer, entry to release, its deliveries counted, available again at (ms).</summary>
    private const string ReleaseScript = Functions + """
        local stream, meta, group, consumer, id = KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3]
        local mine = own(stream, group, consumer)
        local held = false
        for _, e in ipairs(mine) do if e[1] == id then held = true end end
        if not held then return 0 end
        local acked = false
        for _, e in ipairs(mine) do
          if older(e[1], id) then
            redis.call('XACK', stream, group, e[1])
            forget(meta, e[1])
            acked = true
          elseif e[1] == id then
            redis.call('HSET', meta, 'n:' .. id, ARGV[4], 'a:' .. id, ARGV[5])
            redis.call('HDEL', meta, 'l:' .. id)
          else
            hand_back(meta, e[1])
          end
        end
        if acked then trim(stream) end
        return 1
        """;

    /// <summary>KEYS: stream, group hash; ARGV: group, consumer, idle time (ms) to give its entries.</summary>
    private const string LeaveScript = Functions + """
        local stream, meta, group, consumer = KEYS[1], KEYS[2], ARGV[1], ARGV[2]
        local ids = {}
        for _, e in ipairs(own(stream, group, consumer)) do ids[#ids + 1] = e[1] end
        take_over(meta, ids)
        if #ids == 0 then
          redis.call('XGROUP', 'DELCONSUMER', stream, group, consumer)
          return 0
        end
        touch(stream, group, consumer, ids, ARGV[3])
        return #ids
        """;

    private readonly ConnectionMultiplexer _connection;
    private readonly IDatabase _database;
    private readonly string _consumerPrefix;
    private readonly string _consumer;
    private readonly int? _maxLength;
    private readonly long _processingTimeout;

    public RedisStreamTopicLog(ConnectionMultiplexer connection, IDatabase database, string appId, int? maxLength, TimeSpan processingTimeout)
    {
        _connection = connection;
        _database = database;
        _consumerPrefix = appId + "|";
        _consumer = _consumerPrefix + ProcessIdentity.Current + "|";
        _maxLength = maxLength;
        _processingTimeout = (long)processingTimeout.TotalMilliseconds;
    }

    public async Task AppendAsync(string topic, StoredMessage message, CancellationToken cancellationToken)
    {
        NameValueEntry[] fields =
        [
            new("id", message.Id),
            new("data", message.Data.ToArray()),
            new("contentType", message.ContentType),
            new("metadata", message.MetadataJson()),
            new("expiresAt", message.ExpiresAt?.ToUnixTimeMilliseconds() ?? 0),
        ];
        await _database.StreamAddAsync(topic, fields, maxLength: _maxLength, useApproximateMaxLength: _maxLength is not null).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates the group when it does not exist; the entries of this app's consumers whose process is gone from this machine
    /// (killed: <see cref="ProcessIdentity.IsGone"/>) go back to the group at once instead of when <c>processingTimeout</c> passes.
    /// </summary>
    public async Task JoinAsync(string topic, string group, CancellationToken cancellationToken)
    {
        try
        {
            await _database.StreamCreateConsumerGroupAsync(topic, group, StreamPosition.Beginning, createStream: true).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            foreach (var consumer in await _database.StreamConsumerInfoAsync(topic, group).ConfigureAwait(false))
            {
                var name = consumer.Name.ToString();
                var identity = name.StartsWith(_consumerPrefix, StringComparison.Ordinal) && name.LastIndexOf('|') is var end && end > _consumerPrefix.Length
                    ? name[_consumerPrefix.Length..end]
                    : null;
                if (ProcessIdentity.IsGone(identity))
                {
                    await HandBackAsync(topic, group, name).ConfigureAwait(false);
                }
            }
        }
    }

    public async Task<IReadOnlyList<LeasedMessage>> LeaseAsync(string topic, string group, string consumer, int maxCount, TimeSpan leaseDuration, LeasedMessage? acknowledge, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        var result = await _database.ScriptEvaluateAsync(LeaseScript, [topic, GroupKey(topic, group)],
            [group, _consumer + consumer, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), maxCount, _processingTimeout, acknowledge?.Position ?? ""]).ConfigureAwait(false);
        if (result.IsNull)
        {
            return [];
        }
        var leased = new List<LeasedMessage>();
        foreach (var entry in (RedisResult[])result!)
        {
            var parts = (RedisResult[])entry!;
            leased.Add(new LeasedMessage(ToMessage((RedisResult[])parts[0]!), (int)parts[1], parts[2].ToString()));
        }
        return leased;
    }

    public Task AcknowledgeAsync(string topic, string group, string consumer, LeasedMessage message, CancellationToken cancellationToken) =>
        _database.ScriptEvaluateAsync(AcknowledgeScript, [topic, GroupKey(topic, group)], [group, _consumer + consumer, message.Position]);

    /// <summary>Keeps the entry pending with its availability delayed and its deliveries counted as given.</summary>
    public Task ReleaseAsync(string topic, string group, string consumer, LeasedMessage message, TimeSpan delay, CancellationToken cancellationToken) =>
        _database.ScriptEvaluateAsync(ReleaseScript, [topic, GroupKey(topic, group)],
            [group, _consumer + consumer, message.Position, message.DeliveryAttempt, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + (long)delay.TotalMilliseconds]);

    public Task LeaveAsync(string topic, string group, string consumer, CancellationToken cancellationToken) =>
        HandBackAsync(topic, group, _consumer + consumer);

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync().ConfigureAwait(false);

    /// <summary>Hands a Redis consumer's entries back to the group (its full name, this process's or a gone one's).</summary>
    private Task<RedisResult> HandBackAsync(string topic, string group, string redisConsumer) =>
        _database.ScriptEvaluateAsync(LeaveScript, [topic, GroupKey(topic, group)], [group, redisConsumer, HandBackIdle]);

    private static StoredMessage ToMessage(RedisResult[] fields)
    {
        var values = new Dictionary<string, RedisValue>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < fields.Length; i += 2)
        {
            values[fields[i].ToString()] = (RedisValue)fields[i + 1];
        }
        var expiresAt = (long)values["expiresAt"];
        return new StoredMessage(
            values["id"].ToString(),
            (byte[])values["data"]!,
            values["contentType"].ToString(),
            StoredMessage.ParseMetadata(values["metadata"].ToString()),
            expiresAt > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(expiresAt) : null);
    }

    /// <summary>The hash of a group's per-entry bookkeeping (the key the first version used for availability alone).</summary>
    private static string GroupKey(string topic, string group) =>
        string.Create(CultureInfo.InvariantCulture, $"{topic}||cr-available||{group}");
}
