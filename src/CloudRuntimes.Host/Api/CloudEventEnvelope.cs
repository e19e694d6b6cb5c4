using System.Diagnostics;
using System.Net.Mime;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;

namespace CloudRuntimes.Host.Api;

/// <summary>
/// The CloudEvents 1.0 envelope Dapr wraps published data in (via the CNCF CloudEvents SDK): <c>id</c>,
/// <c>source</c> = app id, <c>type</c> = <c>com.dapr.event.sent</c>, <c>datacontenttype</c>, <c>data</c> (JSON
/// embedded, text as a string, other bytes as <c>data_base64</c>), extensions <c>topic</c>, <c>pubsubname</c>,
/// <c>traceparent</c>, and <c>time</c>.
/// </summary>
internal static class CloudEventEnvelope
{
    public const string ContentType = "application/cloudevents+json";
    public const string EventType = "com.dapr.event.sent";

    private static readonly CloudEventAttribute TopicAttribute = CloudEventAttribute.CreateExtension("topic", CloudEventAttributeType.String);
    private static readonly CloudEventAttribute PubSubAttribute = CloudEventAttribute.CreateExtension("pubsubname", CloudEventAttributeType.String);
    private static readonly CloudEventAttribute TraceParentAttribute = CloudEventAttribute.CreateExtension("traceparent", CloudEventAttributeType.String);
    private static readonly JsonEventFormatter Formatter = new();

    /// <summary>Wraps data in a new envelope.</summary>
    public static byte[] Wrap(ReadOnlyMemory<byte> data, string contentType, string appId, string pubsub, string topic, IReadOnlyDictionary<string, string> metadata)
    {
        var cloudEvent = new CloudEvent(CloudEventsSpecVersion.V1_0, [TopicAttribute, PubSubAttribute, TraceParentAttribute])
        {
            Id = metadata.GetValueOrDefault("cloudevent.id") ?? Guid.NewGuid().ToString(),
            Source = new Uri(metadata.GetValueOrDefault("cloudevent.source") ?? appId, UriKind.RelativeOrAbsolute),
            Type = metadata.GetValueOrDefault("cloudevent.type") ?? EventType,
            Time = DateTimeOffset.UtcNow,
            DataContentType = contentType,
        };
        cloudEvent[TopicAttribute] = topic;
        cloudEvent[PubSubAttribute] = pubsub;
        if ((metadata.GetValueOrDefault("cloudevent.traceparent") ?? Activity.Current?.Id) is { } traceParent)
        {
            cloudEvent[TraceParentAttribute] = traceParent;
        }
        if (metadata.GetValueOrDefault("cloudevent.subject") is { } subject)
        {
            cloudEvent.Subject = subject;
        }
        cloudEvent.Data = DataOf(data, contentType);
        return Formatter.EncodeStructuredModeMessage(cloudEvent, out _).ToArray();
    }

    /// <summary>Completes a caller-supplied envelope: fills <c>topic</c>, <c>pubsubname</c>, <c>time</c> and missing required attributes.</summary>
    /// <exception cref="JsonException">The body is not a JSON object.</exception>
    public static byte[] Complete(ReadOnlyMemory<byte> envelope, string appId, string pubsub, string topic)
    {
        var json = JsonNode.Parse(envelope.Span) as JsonObject ?? throw new JsonException("a CloudEvent must be a JSON object");
        json["specversion"] ??= "1.0";
        json["id"] ??= Guid.NewGuid().ToString();
        json["source"] ??= appId;
        json["type"] ??= EventType;
        json["topic"] = topic;
        json["pubsubname"] = pubsub;
        json["time"] ??= DateTimeOffset.UtcNow.ToString("O");
        return JsonSerializer.SerializeToUtf8Bytes(json);
    }

    /// <summary>Synthesizes an envelope for a raw payload delivered to an app (data in <c>data_base64</c>).</summary>
    public static byte[] ForRawPayload(string id, ReadOnlyMemory<byte> data, string contentType, string pubsub, string topic) =>
        JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = id,
            ["source"] = pubsub,
            ["type"] = EventType,
            ["datacontenttype"] = contentType,
            ["data_base64"] = Convert.ToBase64String(data.Span),
            ["topic"] = topic,
            ["pubsubname"] = pubsub,
        });

    private static object DataOf(ReadOnlyMemory<byte> data, string contentType)
    {
        var mediaType = contentType.Split(';')[0].Trim();
        if (mediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                using var document = JsonDocument.Parse(data);
                return document.RootElement.Clone();
            }
            catch (JsonException)
            {
                return Encoding.UTF8.GetString(data.Span);
            }
        }
        if (mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase) || mediaType == MediaTypeNames.Application.Xml)
        {
            return Encoding.UTF8.GetString(data.Span);
        }
        return data.ToArray();
    }
}
