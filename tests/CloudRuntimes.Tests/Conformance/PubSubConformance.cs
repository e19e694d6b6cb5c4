using System.Collections.Concurrent;
using System.Text;
using CloudRuntimes.Components;
using CloudRuntimes.Components.Composition;
using CloudRuntimes.PubSub;

namespace CloudRuntimes.Tests.Conformance;

/// <summary>
/// The pub/sub conformance suite (Dapr <c>tests/conformance/pubsub</c>, checks PS-02 … PS-08 of the reference):
/// delivery in publish order, redelivery after a failed handler, dead-letter after the last attempt, bulk publish,
/// several topics, stopped subscribers, consumer groups and unacknowledged messages surviving a subscriber.
/// </summary>
public abstract class PubSubConformance : ComponentConformance<IPubSub>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan FastRetry = TimeSpan.FromMilliseconds(50);
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private readonly List<IAsyncDisposable> _subscriptions = [];

    /// <inheritdoc />
    protected override IPubSub Resolve(CloudRuntimesComponents components, string name) => components.GetPubSub(name);

    private IPubSub PubSub => Component;

    /// <summary>Whether the log leases several messages at once, so a concurrent subscription can hand them over side by side.</summary>
    protected virtual bool DeliversConcurrently => true;

    private string Topic(string name) => $"{_run}-{name}";

    private static string Text(TopicMessage message) => Encoding.UTF8.GetString(message.Data.Span);

    private Task<string> PublishAsync(string topic, string text, IReadOnlyDictionary<string, string>? metadata = null) =>
        PubSub.PublishAsync(new PublishRequest(Topic(topic), Encoding.UTF8.GetBytes(text), "text/plain", metadata));

    private async Task SubscribeAsync(IPubSub pubSub, TopicSubscription subscription, TopicMessageHandler handler)
    {
        _subscriptions.Add(await pubSub.SubscribeAsync(subscription with { Topic = Topic(subscription.Topic) }, handler));
    }

    /// <inheritdoc />
    protected override async ValueTask StopAsync()
    {
        foreach (var subscription in _subscriptions)
        {
            await subscription.DisposeAsync();
        }
    }

    /// <summary>
    /// The backlog (<see cref="CloudRuntimes.Components.PubSub.ITopicBacklog"/>, shown by the dashboard) counts what a
    /// group has not acknowledged, the message under delivery included; 0 once all is handled. Back ends that cannot
    /// count (null) are skipped.
    /// </summary>
    [Fact]
    public async Task The_backlog_counts_what_the_group_has_not_acknowledged()
    {
        var backlog = PubSub as CloudRuntimes.Components.PubSub.ITopicBacklog;
        Assert.SkipWhen(backlog is null, "this pub/sub is not a topic log");
        Assert.SkipWhen(await backlog!.BacklogAsync(Topic("backlog"), "dashboard", default) is null, "this pub/sub's log cannot count a backlog");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await SubscribeAsync(PubSub, new TopicSubscription("backlog", ConsumerGroup: "dashboard", MaxConcurrentDeliveries: 1), async (_, _) =>
        {
            started.TrySetResult();
            await gate.Task;
            return DeliveryStatus.Success;
        });
        for (var i = 0; i < 3; i++)
        {
            await PublishAsync("backlog", $"m{i}");
        }
        await started.Task.WaitAsync(Wait);

        // The first message is under delivery, two wait behind it: three unacknowledged.
        Assert.Equal(3, await backlog.BacklogAsync(Topic("backlog"), "dashboard", default));
        Assert.Equal(0, await backlog.BacklogAsync(Topic("backlog"), "another-group", default));

        gate.SetResult();
        var deadline = DateTime.UtcNow + Wait;
        while (await backlog.BacklogAsync(Topic("backlog"), "dashboard", default) != 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        Assert.Equal(0, await backlog.BacklogAsync(Topic("backlog"), "dashboard", default));
    }

    [Fact]
    public async Task Messages_are_delivered_once_each_in_publish_order()
    {
        var received = new ConcurrentQueue<string>();
        await SubscribeAsync(PubSub, new TopicSubscription("orders"), (m, _) => { received.Enqueue(Text(m)); return Task.FromResult(DeliveryStatus.Success); });

        var expected = Enumerable.Range(1, 20).Select(i => $"message-{i}").ToList();
        foreach (var text in expected)
        {
            await PublishAsync("orders", text, new Dictionary<string, string> { [PubSubMetadata.PartitionKey] = "customer-1" });
        }

        await Eventually.HoldsAsync(() => received.Count >= 20, Wait, "20 deliveries");
        await Task.Delay(200);
        Assert.Equal(expected, received);
    }

    [Fact]
    public async Task Delivered_message_carries_its_id_topic_payload_content_type_and_metadata()
    {
        var received = new TaskCompletionSource<TopicMessage>();
        await SubscribeAsync(PubSub, new TopicSubscription("shape"), (m, _) => { received.TrySetResult(m); return Task.FromResult(DeliveryStatus.Success); });

        var id = await PublishAsync("shape", "hello", new Dictionary<string, string> { ["source"] = "test" });

        var message = await received.Task.WaitAsync(Wait);
        Assert.Equal(id, message.Id);
        Assert.Equal(Topic("shape"), message.Topic);
        Assert.Equal("hello", Text(message));
        Assert.Equal("text/plain", message.ContentType);
        Assert.Equal("test", message.Metadata["source"]);
        Assert.Equal(1, message.DeliveryAttempt);
    }

    [Fact]
    public async Task Failed_handler_gets_the_same_message_again_before_later_messages()
    {
        var deliveries = new ConcurrentQueue<(string Text, string Id, int Attempt)>();
        await SubscribeAsync(PubSub, new TopicSubscription("retry", RetryDelay: FastRetry), (m, _) =>
        {
            deliveries.Enqueue((Text(m), m.Id, m.DeliveryAttempt));
            if (Text(m) == "first" && m.DeliveryAttempt == 1)
            {
                throw new InvalidOperationException("injected handler failure");
            }
            return Task.FromResult(Text(m) == "first" && m.DeliveryAttempt == 2 ? DeliveryStatus.Retry : DeliveryStatus.Success);
        });

        await PublishAsync("retry", "first");
        await PublishAsync("retry", "second");

        await Eventually.HoldsAsync(() => deliveries.Count >= 4, Wait, "four deliveries");
        var list = deliveries.ToList();
        Assert.Equal(["first", "first", "first", "second"], list.Select(d => d.Text));
        Assert.Equal([1, 2, 3, 1], list.Select(d => d.Attempt));
        Assert.Single(list.Take(3).Select(d => d.Id).Distinct());
    }

    [Fact]
    public async Task Retried_message_in_a_backlog_holds_back_the_messages_after_it_and_those_before_stay_acknowledged()
    {
        // Published before anyone subscribes, so a back end that leases in batches takes them together.
        foreach (var text in new[] { "m1", "m2", "m3", "m4", "m5" })
        {
            await PublishAsync("backlog", text);
        }
        var deliveries = new ConcurrentQueue<(string Text, int Attempt)>();
        await SubscribeAsync(PubSub, new TopicSubscription("backlog", RetryDelay: FastRetry), (m, _) =>
        {
            deliveries.Enqueue((Text(m), m.DeliveryAttempt));
            return Task.FromResult(Text(m) == "m3" && m.DeliveryAttempt == 1 ? DeliveryStatus.Retry : DeliveryStatus.Success);
        });

        await Eventually.HoldsAsync(() => deliveries.Count >= 6, Wait, "six deliveries");
        await Task.Delay(300);
        Assert.Equal([("m1", 1), ("m2", 1), ("m3", 1), ("m3", 2), ("m4", 1), ("m5", 1)], deliveries);
    }

    [Fact]
    public async Task Concurrent_subscription_keeps_each_partition_key_in_order_and_delivers_other_keys_alongside()
    {
        // Published before anyone subscribes, so a back end that leases in batches takes them together.
        var keyed = new[] { ("a-1", "a"), ("b-1", "b"), ("a-2", "a"), ("b-2", "b"), ("free", null) };
        foreach (var (text, key) in keyed)
        {
            await PublishAsync("lanes", text, key is null ? null : new Dictionary<string, string> { [PubSubMetadata.PartitionKey] = key });
        }
        var events = new ConcurrentQueue<string>();
        var secondKeyStarted = new TaskCompletionSource();
        var overlapped = false;
        await SubscribeAsync(PubSub, new TopicSubscription("lanes", MaxConcurrentDeliveries: 4), async (m, token) =>
        {
            events.Enqueue("start " + Text(m));
            if (Text(m) == "b-1")
            {
                secondKeyStarted.TrySetResult();
            }
            if (Text(m) == "a-1" && DeliversConcurrently)
            {
                // b-1 can only start while a-1 is still with the handler when deliveries run side by side.
                overlapped = await secondKeyStarted.Task.WaitAsync(TimeSpan.FromSeconds(5), token).ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default);
            }
            await Task.Delay(20, token);
            events.Enqueue("end " + Text(m));
            return DeliveryStatus.Success;
        });

        await Eventually.HoldsAsync(() => events.Count(e => e.StartsWith("end ", StringComparison.Ordinal)) >= 5, Wait, () => "five deliveries: " + string.Join(", ", events));
        var log = events.ToList();
        Assert.True(log.IndexOf("end a-1") < log.IndexOf("start a-2"), "a-2 started before a-1 ended: " + string.Join(", ", log));
        Assert.True(log.IndexOf("end b-1") < log.IndexOf("start b-2"), "b-2 started before b-1 ended: " + string.Join(", ", log));
        Assert.Equal(DeliversConcurrently, overlapped);
        Assert.Equal(5, log.Count(e => e.StartsWith("start ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Concurrent_subscription_redelivers_a_retried_message_and_those_before_it_stay_acknowledged()
    {
        foreach (var (text, key) in new[] { ("m1", "a"), ("m2", "b"), ("m3", "c") })
        {
            await PublishAsync("lanes-retry", text, new Dictionary<string, string> { [PubSubMetadata.PartitionKey] = key });
        }
        var deliveries = new ConcurrentQueue<(string Text, int Attempt)>();
        await SubscribeAsync(PubSub, new TopicSubscription("lanes-retry", RetryDelay: FastRetry, MaxConcurrentDeliveries: 3), (m, _) =>
        {
            deliveries.Enqueue((Text(m), m.DeliveryAttempt));
            return Task.FromResult(Text(m) == "m2" && m.DeliveryAttempt == 1 ? DeliveryStatus.Retry : DeliveryStatus.Success);
        });

        await Eventually.HoldsAsync(() => deliveries.Any(d => d.Text == "m2" && d.Attempt == 2) && deliveries.Any(d => d.Text == "m3"), Wait,
            () => "m2 twice and m3: " + string.Join(", ", deliveries));
        await Task.Delay(300);
        var list = deliveries.ToList();
        Assert.Equal([("m1", 1)], list.Where(d => d.Text == "m1"));
        Assert.Equal([("m2", 1), ("m2", 2)], list.Where(d => d.Text == "m2"));
        // m3 comes after m2: handed over with it (and then again after it, at-least-once) or only after its redelivery.
        Assert.InRange(list.Count(d => d.Text == "m3"), 1, 2);
        Assert.True(list.FindLastIndex(d => d.Text == "m3") > list.IndexOf(("m2", 2)), "m3's last delivery came before m2's redelivery: " + string.Join(", ", list));
    }

    [Fact]
    public async Task Stopping_lets_the_delivery_in_progress_finish_and_leaves_the_rest_for_the_group()
    {
        foreach (var text in new[] { "first", "second" })
        {
            await PublishAsync("drain", text);
        }
        var started = new TaskCompletionSource();
        var finish = new TaskCompletionSource();
        var cancelledDuringDelivery = false;
        var first = await PubSub.SubscribeAsync(new TopicSubscription(Topic("drain"), "workers"), async (_, token) =>
        {
            started.TrySetResult();
            await finish.Task;
            cancelledDuringDelivery = token.IsCancellationRequested;
            return DeliveryStatus.Success;
        });
        await started.Task.WaitAsync(Wait);

        var stopping = first.DisposeAsync().AsTask();
        await Task.Delay(200);
        Assert.False(stopping.IsCompleted, "stopping must wait for the delivery in progress");
        finish.SetResult();
        await stopping.WaitAsync(Wait);
        Assert.False(cancelledDuringDelivery);

        var received = new ConcurrentQueue<(string Text, int Attempt)>();
        await SubscribeAsync(PubSub, new TopicSubscription("drain", "workers"), (m, _) => { received.Enqueue((Text(m), m.DeliveryAttempt)); return Task.FromResult(DeliveryStatus.Success); });
        await Eventually.HoldsAsync(() => !received.IsEmpty, Wait, "the second message");
        await Task.Delay(300);
        Assert.Equal([("second", 1)], received);
    }

    [Fact]
    public async Task Stopping_cancels_a_delivery_that_outlasts_the_drain_timeout_and_it_is_delivered_again_at_once()
    {
        await PublishAsync("stuck", "job");
        var started = new TaskCompletionSource();
        var first = await PubSub.SubscribeAsync(new TopicSubscription(Topic("stuck"), "workers"), async (_, token) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, token);
            return DeliveryStatus.Success;
        });
        await started.Task.WaitAsync(Wait);
        await first.DisposeAsync().AsTask().WaitAsync(Wait);

        var received = new TaskCompletionSource<TopicMessage>();
        await SubscribeAsync(PubSub, new TopicSubscription("stuck", "workers"), (m, _) => { received.TrySetResult(m); return Task.FromResult(DeliveryStatus.Success); });

        // Well before the 60 s lease would have run out: the cancelled delivery was handed back, its attempt counted.
        var message = await received.Task.WaitAsync(Wait);
        Assert.Equal("job", Text(message));
        Assert.Equal(2, message.DeliveryAttempt);
    }

    [Fact]
    public async Task Message_goes_to_the_dead_letter_topic_after_max_delivery_attempts()
    {
        var attempts = 0;
        var dead = new TaskCompletionSource<TopicMessage>();
        await SubscribeAsync(PubSub, new TopicSubscription("poison", DeadLetterTopic: Topic("poison-dead"), MaxDeliveryAttempts: 3, RetryDelay: FastRetry), (_, _) =>
        {
            Interlocked.Increment(ref attempts);
            return Task.FromResult(DeliveryStatus.Retry);
        });
        await SubscribeAsync(PubSub, new TopicSubscription("poison-dead"), (m, _) => { dead.TrySetResult(m); return Task.FromResult(DeliveryStatus.Success); });

        await PublishAsync("poison", "bad input");

        var letter = await dead.Task.WaitAsync(Wait);
        Assert.Equal("bad input", Text(letter));
        await Task.Delay(300);
        Assert.Equal(3, Volatile.Read(ref attempts));
    }

    [Fact]
    public async Task Dropped_message_goes_to_the_dead_letter_topic_without_retries()
    {
        var attempts = 0;
        var dead = new TaskCompletionSource<TopicMessage>();
        await SubscribeAsync(PubSub, new TopicSubscription("drop", DeadLetterTopic: Topic("drop-dead"), RetryDelay: FastRetry), (_, _) =>
        {
            Interlocked.Increment(ref attempts);
            return Task.FromResult(DeliveryStatus.Drop);
        });
        await SubscribeAsync(PubSub, new TopicSubscription("drop-dead"), (m, _) => { dead.TrySetResult(m); return Task.FromResult(DeliveryStatus.Success); });

        await PublishAsync("drop", "unwanted");

        Assert.Equal("unwanted", Text(await dead.Task.WaitAsync(Wait)));
        Assert.Equal(1, Volatile.Read(ref attempts));
    }

    [Fact]
    public async Task Bulk_publish_delivers_every_entry_and_rejects_duplicate_entry_ids()
    {
        var received = new ConcurrentQueue<string>();
        await SubscribeAsync(PubSub, new TopicSubscription("bulk"), (m, _) => { received.Enqueue(Text(m)); return Task.FromResult(DeliveryStatus.Success); });

        var failures = await PubSub.PublishBulkAsync(Topic("bulk"), [.. Enumerable.Range(1, 5).Select(i => new BulkPublishEntry($"{i}", Encoding.UTF8.GetBytes($"entry-{i}"), "text/plain"))]);
        var duplicate = await Assert.ThrowsAsync<CloudRuntimesException>(() => PubSub.PublishBulkAsync(Topic("bulk"), [new BulkPublishEntry("x", new byte[1]), new BulkPublishEntry("x", new byte[1])]));

        Assert.Empty(failures);
        Assert.Equal(CloudRuntimesErrors.MalformedRequest.Code, duplicate.ErrorCode);
        await Eventually.HoldsAsync(() => received.Count >= 5, Wait, "five bulk entries");
        Assert.Equal(["entry-1", "entry-2", "entry-3", "entry-4", "entry-5"], received);
    }

    [Fact]
    public async Task Each_subscription_receives_only_its_topic()
    {
        var first = new ConcurrentQueue<string>();
        var second = new ConcurrentQueue<string>();
        await SubscribeAsync(PubSub, new TopicSubscription("one"), (m, _) => { first.Enqueue(Text(m)); return Task.FromResult(DeliveryStatus.Success); });
        await SubscribeAsync(PubSub, new TopicSubscription("two"), (m, _) => { second.Enqueue(Text(m)); return Task.FromResult(DeliveryStatus.Success); });

        for (var i = 0; i < 6; i++)
        {
            await PublishAsync(i % 2 == 0 ? "one" : "two", $"m{i}");
        }

        await Eventually.HoldsAsync(() => first.Count + second.Count >= 6, Wait, "six deliveries");
        Assert.Equal(["m0", "m2", "m4"], first);
        Assert.Equal(["m1", "m3", "m5"], second);
    }

    [Fact]
    public async Task Stopped_subscription_receives_nothing_more()
    {
        var received = new ConcurrentQueue<string>();
        var subscription = await PubSub.SubscribeAsync(new TopicSubscription(Topic("stop")), (m, _) => { received.Enqueue(Text(m)); return Task.FromResult(DeliveryStatus.Success); });
        await PublishAsync("stop", "before");
        await Eventually.HoldsAsync(() => received.Count == 1, Wait, "the first delivery");

        await subscription.DisposeAsync();
        await PublishAsync("stop", "after");
        await Task.Delay(500);

        Assert.Equal(["before"], received);
    }

    [Fact]
    public async Task Unacknowledged_message_is_delivered_to_the_next_subscription_of_the_group()
    {
        var started = new TaskCompletionSource();
        var first = await PubSub.SubscribeAsync(new TopicSubscription(Topic("handover"), "workers", RetryDelay: FastRetry), (_, _) =>
        {
            started.TrySetResult();
            return Task.FromResult(DeliveryStatus.Retry);
        });
        await PublishAsync("handover", "job-1");
        await started.Task.WaitAsync(Wait);
        await first.DisposeAsync();

        var received = new TaskCompletionSource<TopicMessage>();
        await SubscribeAsync(PubSub, new TopicSubscription("handover", "workers"), (m, _) => { received.TrySetResult(m); return Task.FromResult(DeliveryStatus.Success); });

        var message = await received.Task.WaitAsync(Wait);
        Assert.Equal("job-1", Text(message));
        Assert.True(message.DeliveryAttempt >= 2, $"delivery attempt {message.DeliveryAttempt} should count the earlier failed delivery");
    }

    [Fact]
    public async Task Consumer_groups_each_receive_every_message_and_share_within_a_group()
    {
        var groupA = new ConcurrentQueue<string>();
        var groupB = new ConcurrentQueue<string>();
        await SubscribeAsync(PubSub, new TopicSubscription("groups", "a"), (m, _) => { groupA.Enqueue(Text(m)); return Task.FromResult(DeliveryStatus.Success); });
        await SubscribeAsync(PubSub, new TopicSubscription("groups", "a"), (m, _) => { groupA.Enqueue(Text(m)); return Task.FromResult(DeliveryStatus.Success); });
        await SubscribeAsync(PubSub, new TopicSubscription("groups", "b"), (m, _) => { groupB.Enqueue(Text(m)); return Task.FromResult(DeliveryStatus.Success); });

        for (var i = 0; i < 10; i++)
        {
            await PublishAsync("groups", $"m{i}");
        }

        await Eventually.HoldsAsync(() => groupA.Count >= 10 && groupB.Count >= 10, Wait, () => $"ten deliveries per group (a: {string.Join(",", groupA)}; b: {string.Join(",", groupB)})");
        await Task.Delay(300);
        Assert.Equal(10, groupA.Count);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"m{i}").Order(), groupA.Order());
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"m{i}"), groupB);
    }

    [Fact]
    public async Task Message_whose_ttl_passed_before_delivery_is_not_delivered()
    {
        await PublishAsync("ttl", "stale", new Dictionary<string, string> { [PubSubMetadata.TtlInSeconds] = "1" });
        await Task.Delay(1500);
        await PublishAsync("ttl", "fresh");

        var received = new ConcurrentQueue<string>();
        await SubscribeAsync(PubSub, new TopicSubscription("ttl"), (m, _) => { received.Enqueue(Text(m)); return Task.FromResult(DeliveryStatus.Success); });

        await Eventually.HoldsAsync(() => !received.IsEmpty, Wait, "the fresh message");
        await Task.Delay(200);
        Assert.Equal(["fresh"], received);
    }

    [Fact]
    public async Task Publishing_to_an_empty_topic_name_is_rejected()
    {
        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => PubSub.PublishAsync(new PublishRequest("", new byte[1])));

        Assert.Equal(CloudRuntimesErrors.MalformedRequest.Code, error.ErrorCode);
    }
}
