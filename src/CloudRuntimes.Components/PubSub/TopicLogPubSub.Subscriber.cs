using System.Diagnostics;
using System.Globalization;
using CloudRuntimes.PubSub;
using CloudRuntimes.Telemetry;
using Microsoft.Extensions.Logging;

namespace CloudRuntimes.Components.PubSub;

/// <summary>The subscriptions of <see cref="TopicLogPubSub"/>: each a loop over its topic log.</summary>
public sealed partial class TopicLogPubSub
{
    /// <summary>
    /// One running subscription: a loop that leases a batch of messages, hands them to the handler one at a time in
    /// order, and settles the batch: one acknowledgement for the messages handled, or a release at the first one to
    /// retry (which acknowledges those before it and returns those after it).
    /// </summary>
    private sealed class Subscriber(TopicLogPubSub owner, TopicSubscription subscription, TopicMessageHandler handler) : IAsyncDisposable
    {
        private static int _count;
        private readonly string _consumer = Interlocked.Increment(ref _count).ToString(CultureInfo.InvariantCulture);
        private readonly CancellationTokenSource _stopping = new();
        private readonly CancellationTokenSource _abort = new();
        private Task _loop = Task.CompletedTask;
        private int _disposed;

        private string Group => subscription.ConsumerGroup ?? owner._defaultGroup;

        private string Topic => subscription.Topic;

        public void Start() => _loop = Task.Run(RunAsync, CancellationToken.None);

        /// <summary>Stops taking messages, lets the delivery in progress finish (cancelled past <see cref="DrainTimeout"/>) and settles it.</summary>
        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
            {
                return;
            }
            owner._subscribers.TryRemove(this, out _);
            await _stopping.CancelAsync().ConfigureAwait(false);
            _abort.CancelAfter(DrainTimeout);
            await _loop.ConfigureAwait(false);
            _stopping.Dispose();
            _abort.Dispose();
        }

        private async Task RunAsync()
        {
            var stopping = _stopping.Token;
            var signal = owner.Signal(Topic);
            var idle = MinIdleWait;
            LeasedMessage? handled = null; // handled but not yet acknowledged: the next lease acknowledges it
            while (!stopping.IsCancellationRequested)
            {
                var published = signal.Next;
                IReadOnlyList<LeasedMessage> batch;
                try
                {
                    batch = await owner._log.LeaseAsync(Topic, Group, _consumer, BatchSize, LeaseDuration, handled, stopping).ConfigureAwait(false);
                    handled = null;
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e)
                {
                    owner._logger.LogWarning(e, "pub/sub {Component}: reading topic {Topic} failed; retrying", owner._componentName, Topic);
                    batch = [];
                }
                if (batch.Count == 0)
                {
                    await published.WaitAsync(idle, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, MaxIdleWait.Ticks));
                    continue;
                }
                idle = MinIdleWait;
                (handled, var all) = await DeliverBatchAsync(batch, stopping).ConfigureAwait(false);
                if (all && batch.Count < BatchSize && !published.IsCompleted)
                {
                    // The lease took every message there was and nothing was published here since: wait for a publish
                    // (another process's is found when the wait times out) before leasing, and acknowledging, again.
                    await published.WaitAsync(idle, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            }
            if (handled is not null)
            {
                await SettleAsync(handled, () => owner._log.AcknowledgeAsync(Topic, Group, _consumer, handled, CancellationToken.None)).ConfigureAwait(false);
            }
            try
            {
                await owner._log.LeaveAsync(Topic, Group, _consumer, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                owner._logger.LogWarning(e, "pub/sub {Component}: handing the messages of a stopped subscriber of {Topic} back failed; they are delivered again when their lease ends", owner._componentName, Topic);
            }
        }

        private int Concurrency => subscription.MaxConcurrentDeliveries ?? owner._defaultConcurrency;

        /// <summary>
        /// Hands the batch to the handler (see <see cref="Lanes"/>) until a message is to be retried, the subscription
        /// stops, or half the lease has passed (so a slow handler never sees the lease of the messages after it run
        /// out). The first message, in publish order, that was not handled decides the settlement: a message to retry
        /// is released at once (which acknowledges those before it and returns those after it); one never handed over
        /// leaves the messages before it to acknowledge. Acknowledging is left to the caller.
        /// </summary>
        /// <returns>
        /// The last message of the handled prefix, not yet acknowledged (null when none, or when a release settled the
        /// batch), and whether every message of the batch was handled.
        /// </returns>
        private async Task<(LeasedMessage? Handled, bool All)> DeliverBatchAsync(IReadOnlyList<LeasedMessage> batch, CancellationToken stopping)
        {
            var leased = Stopwatch.GetTimestamp();
            var outcomes = new Outcome[batch.Count];
            var concurrency = Concurrency;
            if (concurrency == 1)
            {
                await DeliverLaneAsync(batch, Enumerable.Range(0, batch.Count), outcomes, leased, null, stopping).ConfigureAwait(false);
            }
            else
            {
                using var slots = new SemaphoreSlim(concurrency, concurrency);
                await Task.WhenAll(Lanes(batch).Select(lane => DeliverLaneAsync(batch, lane, outcomes, leased, slots, stopping))).ConfigureAwait(false);
            }
            var first = Array.FindIndex(outcomes, o => o != Outcome.Handled);
            if (first < 0)
            {
                return (batch[^1], true);
            }
            var message = batch[first];
            switch (outcomes[first])
            {
                case Outcome.NotDelivered when first > 0:
                    return (batch[first - 1], false);
                case Outcome.NotDelivered:
                    // Nothing handled: hand the batch back without counting an attempt for its first message.
                    await SettleAsync(message, () => owner._log.ReleaseAsync(Topic, Group, _consumer, message with { DeliveryAttempt = message.DeliveryAttempt - 1 }, TimeSpan.Zero, CancellationToken.None)).ConfigureAwait(false);
                    return (null, false);
                default:
                    var delay = outcomes[first] is Outcome.Retry ? subscription.RetryDelay ?? DefaultRetryDelay : TimeSpan.Zero;
                    await SettleAsync(message, () => owner._log.ReleaseAsync(Topic, Group, _consumer, message, delay, CancellationToken.None)).ConfigureAwait(false);
                    return (null, false);
            }
        }

        /// <summary>
        /// The batch's indexes in lanes delivered concurrently: one lane per partition key (in publish order within it),
        /// and one per message without a key.
        /// </summary>
        private static IEnumerable<IEnumerable<int>> Lanes(IReadOnlyList<LeasedMessage> batch) =>
            Enumerable.Range(0, batch.Count).GroupBy(
                i => batch[i].Message.Metadata.TryGetValue(PubSubMetadata.PartitionKey, out var key) ? "key:" + key : "id:" + batch[i].Message.Id,
                StringComparer.Ordinal);

        /// <summary>Delivers a lane's messages one at a time, in order, until one is not handled; records each outcome.</summary>
        private async Task DeliverLaneAsync(IReadOnlyList<LeasedMessage> batch, IEnumerable<int> lane, Outcome[] outcomes, long leased, SemaphoreSlim? slots, CancellationToken stopping)
        {
            foreach (var i in lane)
            {
                if (stopping.IsCancellationRequested || Stopwatch.GetElapsedTime(leased) > LeaseDuration / 2)
                {
                    return;
                }
                if (slots is not null)
                {
                    try
                    {
                        await slots.WaitAsync(stopping).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
                try
                {
                    outcomes[i] = await DeliverAsync(batch[i]).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    // A failure around the handler (such as publishing to the dead-letter topic) retries the message.
                    owner._logger.LogWarning(e, "pub/sub {Component}: delivering message {Id} on {Topic} failed", owner._componentName, batch[i].Message.Id, Topic);
                    outcomes[i] = Outcome.Retry;
                }
                finally
                {
                    slots?.Release();
                }
                if (outcomes[i] != Outcome.Handled)
                {
                    return;
                }
            }
        }

        /// <summary>Records a settlement; when that fails the lease runs out and the messages are delivered again.</summary>
        private async Task SettleAsync(LeasedMessage message, Func<Task> settle)
        {
            try
            {
                await settle().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                owner._logger.LogWarning(e, "pub/sub {Component}: settling message {Id} on {Topic} failed; it will be delivered again when its lease ends", owner._componentName, message.Message.Id, Topic);
            }
        }

        private async Task<Outcome> DeliverAsync(LeasedMessage leased)
        {
            var message = leased.Message;
            if (message.ExpiresAt is { } expiry && expiry < DateTimeOffset.UtcNow)
            {
                owner._logger.LogInformation("pub/sub {Component}: message {Id} on {Topic} expired undelivered", owner._componentName, message.Id, Topic);
                Count("expired");
                return Outcome.Handled;
            }
            var delivery = new TopicMessage(message.Id, Topic, message.Data, message.ContentType, message.Metadata, leased.DeliveryAttempt);
            DeliveryStatus status;
            using (var activity = CloudRuntimesTelemetry.ActivitySource.StartActivity("pubsub.deliver", ActivityKind.Consumer))
            {
                activity?.SetTag("cloudruntimes.component", owner._componentName);
                activity?.SetTag("messaging.destination.name", Topic);
                try
                {
                    status = await handler(delivery, _abort.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (_abort.IsCancellationRequested)
                {
                    // Stopping and past the drain timeout: the message goes back at once, this attempt counted.
                    return Outcome.Aborted;
                }
                catch (Exception e)
                {
                    owner._logger.LogWarning(e, "pub/sub {Component}: handler for {Topic} failed on message {Id} (attempt {Attempt})", owner._componentName, Topic, message.Id, leased.DeliveryAttempt);
                    status = DeliveryStatus.Retry;
                }
                activity?.SetTag("cloudruntimes.delivery.status", status.ToString());
            }
            if (status == DeliveryStatus.Success)
            {
                Count("delivered");
                return Outcome.Handled;
            }
            if (status == DeliveryStatus.Drop || leased.DeliveryAttempt >= subscription.MaxDeliveryAttempts)
            {
                await DeadLetterAsync(message, status).ConfigureAwait(false);
                Count("dead_lettered");
                return Outcome.Handled;
            }
            Count("retried");
            return Outcome.Retry;
        }

        /// <summary>Counts a delivery's outcome (<see cref="CloudRuntimesTelemetry.Deliveries"/>).</summary>
        private void Count(string outcome)
        {
            if (CloudRuntimesTelemetry.Deliveries.Enabled)
            {
                CloudRuntimesTelemetry.Deliveries.Add(1, new("component", owner._componentName), new("topic", Topic), new("outcome", outcome));
            }
        }

        private async Task DeadLetterAsync(StoredMessage message, DeliveryStatus status)
        {
            if (subscription.DeadLetterTopic is not { } deadLetter)
            {
                if (owner._logger.IsEnabled(LogLevel.Warning))
                {
                    owner._logger.LogWarning("pub/sub {Component}: message {Id} on {Topic} discarded ({Status}) with no dead-letter topic", owner._componentName, message.Id, subscription.Topic, status);
                }
                return;
            }
            await owner.PublishAsync(new PublishRequest(deadLetter, message.Data, message.ContentType, message.Metadata), CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>What became of one delivery.</summary>
    private enum Outcome
    {
        /// <summary>Not handed over: the subscription stopped, half the lease passed, or an earlier message of its lane was not handled.</summary>
        NotDelivered,

        /// <summary>Done with: succeeded, dropped, dead-lettered or expired; acknowledged with the batch.</summary>
        Handled,

        /// <summary>To be delivered again after the retry delay.</summary>
        Retry,

        /// <summary>Cancelled by a stop past the drain timeout; delivered again at once.</summary>
        Aborted,
    }
}
