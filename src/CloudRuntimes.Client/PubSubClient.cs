using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudRuntimes.PubSub;
using Grpc.Core;
using Callback = Dapr.AppCallback.Autogen.Grpc.v1;
using Proto = Dapr.Client.Autogen.Grpc.v1;

namespace CloudRuntimes.Client;

/// <summary>
/// The pub/sub building block: publishing over <c>/v1.0/publish/{pubsub}/{topic}</c> (Dapr publish API, HTTP), and
/// streaming subscriptions over the gRPC API (<see cref="SubscribeAsync"/>).
/// </summary>
public sealed class PubSubClient
{
    private readonly ApiTransport _api;
    private readonly GrpcTransport _grpc;

    internal PubSubClient(ApiTransport api, GrpcTransport grpc)
    {
        _api = api;
        _grpc = grpc;
    }

    /// <summary>Publishes data; the runtime wraps it in a CloudEvent unless <c>rawPayload</c> metadata is <c>true</c>.</summary>
    /// <param name="pubsub">Pub/sub component name.</param>
    /// <param name="topic">The topic.</param>
    /// <param name="data">Payload bytes.</param>
    /// <param name="contentType">Payload MIME type (<c>application/cloudevents+json</c> for a caller-built envelope).</param>
    /// <param name="metadata">Metadata such as <c>ttlInSeconds</c>, <c>rawPayload</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the runtime stored the message.</returns>
    /// <exception cref="CloudRuntimesException"><c>ERR_PUBSUB_NOT_FOUND</c>, <c>ERR_PUBSUB_PUBLISH_MESSAGE</c>, ...</exception>
    public Task PublishAsync(string pubsub, string topic, ReadOnlyMemory<byte> data, string contentType = "application/json", IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) =>
        _api.CallAsync(PublishOperation(pubsub, topic, data, contentType, metadata), cancellationToken);

    /// <summary>Synchronous <see cref="PublishAsync"/>: blocks the calling thread on a synchronous send (no task is waited on).</summary>
    /// <param name="pubsub">Pub/sub component name.</param>
    /// <param name="topic">The topic.</param>
    /// <param name="data">Payload bytes.</param>
    /// <param name="contentType">Payload MIME type.</param>
    /// <param name="metadata">Metadata.</param>
    /// <exception cref="CloudRuntimesException"><c>ERR_PUBSUB_NOT_FOUND</c>, <c>ERR_PUBSUB_PUBLISH_MESSAGE</c>, ...</exception>
    public void Publish(string pubsub, string topic, ReadOnlyMemory<byte> data, string contentType = "application/json", IReadOnlyDictionary<string, string>? metadata = null) =>
        _api.Call(PublishOperation(pubsub, topic, data, contentType, metadata));

    private static ApiOperation<bool> PublishOperation(string pubsub, string topic, ReadOnlyMemory<byte> data, string contentType, IReadOnlyDictionary<string, string>? metadata)
    {
        var content = new ByteArrayContent(data.ToArray());
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return new(HttpMethod.Post, $"v1.0/publish/{ApiTransport.Escape(pubsub)}/{ApiTransport.EscapePath(topic)}{ApiTransport.Query(metadata)}", ApiReply.None, content);
    }

    /// <summary>
    /// Subscribes to a topic without an app port, over the runtime's gRPC API (Dapr's streaming subscriptions,
    /// <c>SubscribeTopicEventsAlpha1</c>; the gRPC endpoint is <see cref="CloudRuntimesClient.GrpcEndpoint"/>). Events arrive
    /// as the enumeration is read; each must be acknowledged (<see cref="TopicEvent.AcknowledgeAsync"/>), and the runtime
    /// sends the next one of the topic once it is (one at a time, unless the component's <c>concurrency</c> allows more).
    /// The subscription ends when the enumeration is disposed or cancelled; events not acknowledged by then are delivered
    /// again later (to this or another subscriber of the app). Subscribers of one app id share the topic's events.
    /// </summary>
    /// <param name="pubsub">Pub/sub component name.</param>
    /// <param name="topic">The topic.</param>
    /// <param name="deadLetterTopic">Where dropped events (and those retried too often) go; null to discard them.</param>
    /// <param name="metadata">Subscription metadata.</param>
    /// <param name="cancellationToken">Ends the subscription.</param>
    /// <returns>The events, in delivery order.</returns>
    /// <exception cref="CloudRuntimesException">When the enumeration starts: the runtime refused the subscription (<c>ERR_PUBSUB_NOT_FOUND</c>, <c>ERR_PUBSUB_FORBIDDEN</c>, ...) or cannot be reached (<c>ERR_RUNTIME_UNAVAILABLE</c>).</exception>
    public async IAsyncEnumerable<TopicEvent> SubscribeAsync(string pubsub, string topic, string? deadLetterTopic = null, IReadOnlyDictionary<string, string>? metadata = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(pubsub);
        ArgumentException.ThrowIfNullOrEmpty(topic);
        var what = $"subscribing to {pubsub}/{topic}";
        using var call = _grpc.Dapr.SubscribeTopicEventsAlpha1(_grpc.Headers(), cancellationToken: cancellationToken);
        using var writing = new SemaphoreSlim(1, 1);
        var initial = new Proto.SubscribeTopicEventsRequestInitialAlpha1 { PubsubName = pubsub, Topic = topic };
        if (deadLetterTopic is not null)
        {
            initial.DeadLetterTopic = deadLetterTopic;
        }
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            initial.Metadata[key] = value;
        }
        await Guard(what, () => call.RequestStream.WriteAsync(new Proto.SubscribeTopicEventsRequestAlpha1 { InitialRequest = initial }, cancellationToken)).ConfigureAwait(false);
        while (await Guard(what, () => call.ResponseStream.MoveNext(cancellationToken)).ConfigureAwait(false))
        {
            if (call.ResponseStream.Current.EventMessage is not { } message)
            {
                continue;
            }
            yield return new TopicEvent(message, async (status, token) =>
            {
                var processed = new Proto.SubscribeTopicEventsRequestProcessedAlpha1
                {
                    Id = message.Id,
                    Status = new Callback.TopicEventResponse
                    {
                        Status = status switch
                        {
                            DeliveryStatus.Success => Callback.TopicEventResponse.Types.TopicEventResponseStatus.Success,
                            DeliveryStatus.Drop => Callback.TopicEventResponse.Types.TopicEventResponseStatus.Drop,
                            _ => Callback.TopicEventResponse.Types.TopicEventResponseStatus.Retry,
                        },
                    },
                };
                try
                {
                    await writing.WaitAsync(token).ConfigureAwait(false);
                }
                catch (ObjectDisposedException e)
                {
                    throw new CloudRuntimesException(CloudRuntimesErrors.RuntimeUnavailable, $"acknowledging event {message.Id} of {pubsub}/{topic}: the subscription has ended", e);
                }
                try
                {
                    await Guard($"acknowledging event {message.Id} of {pubsub}/{topic}", () => call.RequestStream.WriteAsync(new Proto.SubscribeTopicEventsRequestAlpha1 { EventProcessed = processed }, token)).ConfigureAwait(false);
                }
                finally
                {
                    writing.Release();
                }
            });
        }
    }

    /// <summary>Runs a step of the stream, turning gRPC failures into the client's exception.</summary>
    private async Task<T> Guard<T>(string what, Func<Task<T>> step)
    {
        try
        {
            return await step().ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            throw _grpc.Failure(e, what);
        }
        catch (InvalidOperationException e)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.RuntimeUnavailable, $"{what}: the subscription's stream has ended", e);
        }
    }

    private Task<bool> Guard(string what, Func<Task> step) => Guard(what, async () =>
    {
        await step().ConfigureAwait(false);
        return true;
    });

    /// <summary>Serializes a value as JSON and publishes it.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="pubsub">Pub/sub component name.</param>
    /// <param name="topic">The topic.</param>
    /// <param name="value">The value.</param>
    /// <param name="metadata">Metadata.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when stored.</returns>
    public Task PublishEventAsync<T>(string pubsub, string topic, T value, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) =>
        PublishAsync(pubsub, topic, JsonSerializer.SerializeToUtf8Bytes(value, JsonSerializerOptions.Web), "application/json", metadata, cancellationToken);

    /// <summary>Publishes several JSON events in one request (Dapr bulk publish).</summary>
    /// <param name="pubsub">Pub/sub component name.</param>
    /// <param name="topic">The topic.</param>
    /// <param name="entries">Entries with unique ids; data must be UTF-8 JSON.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The failed entries (empty when all were published).</returns>
    public async Task<IReadOnlyList<BulkPublishFailure>> PublishBulkAsync(string pubsub, string topic, IReadOnlyList<BulkPublishEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var body = new JsonArray([.. entries.Select(e => (JsonNode)new JsonObject
        {
            ["entryId"] = e.EntryId,
            ["event"] = JsonNode.Parse(e.Data.Span),
            ["contentType"] = e.ContentType,
            ["metadata"] = e.Metadata is null ? null : StateClient.ToJson(e.Metadata),
        })]);
        var response = await _api.SendAsync(HttpMethod.Post, $"v1.0-alpha1/publish/bulk/{ApiTransport.Escape(pubsub)}/{ApiTransport.EscapePath(topic)}", ApiTransport.Json(body), cancellationToken).ConfigureAwait(false);
        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return [];
            }
            var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)) as JsonObject;
            if (json?["failedEntries"] is JsonArray failed)
            {
                return [.. failed.OfType<JsonObject>().Select(f => new BulkPublishFailure(f["entryId"]!.GetValue<string>(), f["error"]?.GetValue<string>() ?? ""))];
            }
            throw new CloudRuntimesException(CloudRuntimesError.FromWire(json?["errorCode"]?.GetValue<string>() ?? CloudRuntimesErrors.PubSubPublish.Code, (int)response.StatusCode), json?["message"]?.GetValue<string>() ?? $"bulk publish failed with {(int)response.StatusCode}");
        }
    }
}
