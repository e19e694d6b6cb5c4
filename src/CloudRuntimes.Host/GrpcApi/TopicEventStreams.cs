using System.Collections.Concurrent;
using CloudRuntimes.Host.AppChannel;
using CloudRuntimes.Host.Blocks;
using CloudRuntimes.PubSub;
using Grpc.Core;
using Proto = Dapr.Client.Autogen.Grpc.v1;

namespace CloudRuntimes.Host.GrpcApi;

/// <summary>
/// Streaming subscriptions (Dapr <c>SubscribeTopicEventsAlpha1</c>): the client's first message names the pub/sub, topic,
/// metadata and dead-letter topic; the server answers <c>initial_response</c>, then sends each message of the topic as an
/// <c>event_message</c> and waits for the client's <c>event_processed</c> with the same id: SUCCESS acknowledges, RETRY
/// delivers again later, DROP drops (to the dead-letter topic when one is set) — the delivery semantics of
/// <see cref="IPubSub"/> (consumer group = the app id, <see cref="SubscriptionDiscovery.DefaultMaxDeliveryAttempts"/>
/// attempts). When the stream ends, events not yet answered are delivered again later. Listed in the metadata API as
/// <c>STREAMING</c> while open.
/// </summary>
internal sealed class TopicEventStreams(PubSubService pubsub, RuntimeOptions options, StreamingSubscriptions registry, IHostApplicationLifetime lifetime)
{
    /// <summary>Serves one stream until the client ends it or the runtime stops.</summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.MalformedRequest"/> without an initial request first or with a second one; the pub/sub checks (<see cref="CloudRuntimesErrors.PubSubNotFound"/>, <see cref="CloudRuntimesErrors.TopicNameEmpty"/>, <see cref="CloudRuntimesErrors.PubSubForbidden"/>); <see cref="CloudRuntimesErrors.MalformedRequest"/> for a topic or dead-letter topic over <see cref="RuntimeLimits.MaxTopicLength"/>; <see cref="CloudRuntimesErrors.StreamingSubscriptionLimit"/> while the most streams are open.</exception>
    public async Task RunAsync(IAsyncStreamReader<Proto.SubscribeTopicEventsRequestAlpha1> requests, IServerStreamWriter<Proto.SubscribeTopicEventsResponseAlpha1> responses, CancellationToken callEnded)
    {
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(callEnded, lifetime.ApplicationStopping);
        if (!await requests.MoveNext(closed.Token))
        {
            return;
        }
        var initial = requests.Current.InitialRequest
            ?? throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, "the first message of a topic event stream must be an initial_request");
        Api.RequestMetadata.Check(initial.Metadata, options.Limits, "initial_request.metadata");
        var broker = pubsub.Broker(initial.PubsubName, initial.Topic);
        var deadLetter = initial.HasDeadLetterTopic && initial.DeadLetterTopic.Length > 0 ? initial.DeadLetterTopic : null;
        if (deadLetter is not null)
        {
            pubsub.CheckTopicLength(deadLetter, "initial_request.dead_letter_topic");
        }
        using var listed = registry.Add(new StreamingSubscription(initial.PubsubName, initial.Topic, deadLetter, initial.Metadata.ToDictionary()));
        using var stream = new EventStream(initial.PubsubName, initial.Topic, responses, closed.Token);
        var subscription = await broker.SubscribeAsync(
            new TopicSubscription(initial.Topic, options.AppId, deadLetter, SubscriptionDiscovery.DefaultMaxDeliveryAttempts),
            stream.DeliverAsync,
            closed.Token);
        try
        {
            await stream.OpenAsync();
            while (await requests.MoveNext(closed.Token))
            {
                var processed = requests.Current.EventProcessed
                    ?? throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, "a topic event stream takes one initial_request, then event_processed messages only");
                stream.Complete(processed.Id, TopicEvents.StatusOf(processed.Status?.Status ?? default));
            }
        }
        catch (OperationCanceledException) when (closed.IsCancellationRequested)
        {
            // The client went away or the runtime is stopping: not an error of the stream.
        }
        catch (IOException)
        {
            // The client's connection broke (a reset): the same, and not worth a logged stack trace per stream, which
            // a client opening and dropping streams in a loop would turn into a flood of the log.
        }
        finally
        {
            await closed.CancelAsync();
            await subscription.DisposeAsync();
        }
    }

    /// <summary>
    /// One open stream: events wait until the initial response is written, are written one at a time, and the client's
    /// answers are matched to them by id.
    /// </summary>
    private sealed class EventStream(string pubsub, string topic, IServerStreamWriter<Proto.SubscribeTopicEventsResponseAlpha1> responses, CancellationToken closed) : IDisposable
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource<DeliveryStatus>> _pending = new(StringComparer.Ordinal);
        private readonly SemaphoreSlim _writing = new(1, 1);
        private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Writes the initial response; events flow after it.</summary>
        public async Task OpenAsync()
        {
            await WriteAsync(new Proto.SubscribeTopicEventsResponseAlpha1 { InitialResponse = new Proto.SubscribeTopicEventsResponseInitialAlpha1() });
            _opened.TrySetResult();
        }

        public void Dispose() => _writing.Dispose();

        private async Task WriteAsync(Proto.SubscribeTopicEventsResponseAlpha1 response)
        {
            await _writing.WaitAsync(closed);
            try
            {
                await responses.WriteAsync(response, closed);
            }
            finally
            {
                _writing.Release();
            }
        }

        /// <summary>Sends a message and waits for the client's answer; RETRY when the stream ends first.</summary>
        public async Task<DeliveryStatus> DeliverAsync(TopicMessage message, CancellationToken cancellationToken)
        {
            var request = TopicEvents.ToRequest(message, pubsub, topic, "/");
            var answer = new TaskCompletionSource<DeliveryStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
            _pending.AddOrUpdate(request.Id, answer, (_, earlier) =>
            {
                earlier.TrySetResult(DeliveryStatus.Retry);
                return answer;
            });
            using var ended = CancellationTokenSource.CreateLinkedTokenSource(closed, cancellationToken);
            using var abandon = ended.Token.Register(() => answer.TrySetResult(DeliveryStatus.Retry));
            try
            {
                await _opened.Task.WaitAsync(ended.Token);
                await WriteAsync(new Proto.SubscribeTopicEventsResponseAlpha1 { EventMessage = request });
                return await answer.Task;
            }
            catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or IOException)
            {
                // The stream closed under the write: the message goes back to the topic.
                return DeliveryStatus.Retry;
            }
            finally
            {
                _pending.TryRemove(KeyValuePair.Create(request.Id, answer));
            }
        }

        /// <summary>The client's answer for an event id; an id not awaited (already answered, never sent) is ignored.</summary>
        public void Complete(string id, DeliveryStatus status)
        {
            if (_pending.TryGetValue(id, out var answer))
            {
                answer.TrySetResult(status);
            }
        }
    }
}
