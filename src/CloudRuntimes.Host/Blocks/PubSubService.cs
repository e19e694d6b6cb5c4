using System.Text.Json;
using CloudRuntimes.Host.Events;
using CloudRuntimes.PubSub;

namespace CloudRuntimes.Host.Blocks;

/// <summary>One entry of a bulk publish as a transport reads it: the payload bytes and their content type.</summary>
/// <param name="EntryId">The entry id; required and unique within the request.</param>
/// <param name="Data">The payload.</param>
/// <param name="ContentType">The payload's MIME type.</param>
/// <param name="Metadata">Entry metadata merged over the request's.</param>
internal sealed record BulkPublishInput(string? EntryId, ReadOnlyMemory<byte> Data, string ContentType, IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// Publishing behind both transports (Dapr publish and bulk publish): the pub/sub and topic checks, the CloudEvents
/// envelope (<see cref="CloudEventEnvelope"/>: wrapped unless <c>rawPayload</c>, a caller's
/// <c>application/cloudevents+json</c> completed), entry ids of a bulk publish, and the component's topic scoping.
/// </summary>
internal sealed class PubSubService(ICloudRuntimesComponents components, RuntimeOptions options)
{
    /// <summary>The broker of <paramref name="pubsub"/> after the checks every publish makes.</summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.PubSubNotFound"/>, <see cref="CloudRuntimesErrors.TopicNameEmpty"/>; the check of <see cref="CheckTopicLength"/>.</exception>
    public IPubSub Broker(string pubsub, string? topic)
    {
        var broker = components.GetPubSub(pubsub);
        if (string.IsNullOrEmpty(topic))
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.TopicNameEmpty, "topic is empty");
        }
        CheckTopicLength(topic, "topic");
        return broker;
    }

    /// <summary>Refuses a topic name longer than <see cref="RuntimeLimits.MaxTopicLength"/>; <paramref name="field"/> names it in the message.</summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.MalformedRequest"/> over the limit.</exception>
    public void CheckTopicLength(string topic, string field)
    {
        if (topic.Length > options.Limits.MaxTopicLength)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest,
                $"{field} is {topic.Length:N0} characters long; a topic name may have at most {options.Limits.MaxTopicLength:N0}");
        }
    }

    /// <summary>Publishes one message in its envelope.</summary>
    /// <exception cref="CloudRuntimesException">The checks of <see cref="Broker"/>; <see cref="CloudRuntimesErrors.MalformedRequest"/> for a caller's envelope that is not a JSON object; the component's failure (<see cref="CloudRuntimesErrors.PubSubForbidden"/>, <see cref="CloudRuntimesErrors.PubSubPublish"/>).</exception>
    public async Task PublishAsync(string pubsub, string? topic, ReadOnlyMemory<byte> data, string contentType, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var broker = Broker(pubsub, topic);
        var (envelope, storedType) = Envelope(data, contentType, metadata, pubsub, topic!);
        await broker.PublishAsync(new PublishRequest(topic!, envelope, storedType, metadata), cancellationToken);
    }

    /// <summary>
    /// Publishes entries each in its envelope; returns the entries that failed (none when all were published). What the
    /// request would store — each entry's envelope, metadata and topic, the request's metadata once per entry — is counted
    /// as the envelopes are built, before anything is published, and bounded by <see cref="RuntimeLimits.MaxBulkPublishBytes"/>:
    /// 20,000 one-character events (1.3 MB) stored 15.6 MB, and the request's metadata (up to the gRPC message limit) would
    /// have been stored with every entry.
    /// </summary>
    /// <exception cref="CloudRuntimesException">
    /// The checks of <see cref="Broker"/>; <see cref="CloudRuntimesErrors.MalformedRequest"/> for an entry without an id, a
    /// repeated id or a bad envelope; <see cref="CloudRuntimesErrors.PayloadTooLarge"/> past the stored-bytes bound (nothing
    /// is published then).
    /// </exception>
    public async Task<IReadOnlyList<BulkPublishFailure>> PublishBulkAsync(string pubsub, string? topic, IReadOnlyList<BulkPublishInput> entries, CancellationToken cancellationToken)
    {
        var broker = Broker(pubsub, topic);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var bulk = new List<BulkPublishEntry>(entries.Count);
        var limit = options.Limits.MaxBulkPublishBytes;
        long stored = 0;
        foreach (var entry in entries)
        {
            if (string.IsNullOrEmpty(entry.EntryId))
            {
                throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, "entryId is required for every bulk publish entry");
            }
            if (!ids.Add(entry.EntryId))
            {
                throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"entryId {entry.EntryId} is repeated: each bulk publish entry needs its own");
            }
            var (envelope, storedType) = Envelope(entry.Data, entry.ContentType, entry.Metadata, pubsub, topic!);
            stored += envelope.Length + topic!.Length + storedType.Length + entry.Metadata.Sum(m => (long)m.Key.Length + m.Value.Length);
            if (stored > limit)
            {
                throw new CloudRuntimesException(CloudRuntimesErrors.PayloadTooLarge,
                    $"bulk publish to {topic}: its {entries.Count:N0} entries would store more than {limit / (1024 * 1024):N0} MiB (envelopes, metadata and topic of each entry; --max-bulk-publish-size); nothing was published: publish fewer entries at once");
            }
            bulk.Add(new BulkPublishEntry(entry.EntryId, envelope, storedType, entry.Metadata));
        }
        return await broker.PublishBulkAsync(topic!, bulk, cancellationToken);
    }

    private (byte[] Data, string ContentType) Envelope(ReadOnlyMemory<byte> body, string contentType, IReadOnlyDictionary<string, string> metadata, string pubsub, string topic)
    {
        if (metadata.TryGetValue(PubSubMetadata.RawPayload, out var raw) && string.Equals(raw, "true", StringComparison.OrdinalIgnoreCase))
        {
            return (body.ToArray(), contentType);
        }
        if (contentType.StartsWith(CloudEventEnvelope.ContentType, StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                return (CloudEventEnvelope.Complete(body, options.AppId, pubsub, topic), CloudEventEnvelope.ContentType);
            }
            catch (JsonException e)
            {
                throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"body is not a CloudEvent JSON object: {e.Message}", e);
            }
        }
        return (CloudEventEnvelope.Wrap(body, contentType, options.AppId, pubsub, topic, metadata), CloudEventEnvelope.ContentType);
    }
}
