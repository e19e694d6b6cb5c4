using System.Diagnostics;
using System.Net.Mime;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;

namespace CloudRuntimes.Host.Events;

/// <summary>
/// The CloudEvents 1.0 envelope Dapr wraps published data in (via the CNCF CloudEvents SDK): <c>id</c>,
/// <c>source</c> = app id, <c>type</c> = <c>com.dapr.event.sent</c>, <c>datacontenttype</c>, <c>data</c> (JSON
/// embedded, text as a string, other bytes as <c>data_base64</c>), extensions <c>topic</c>, <c>pubsubname</c>,
/// <c>traceparent</c>, <c>traceid</c> (the same value, as Dapr writes it), <c>tracestate</c>, and <c>time</c>.
/// </summary>
internal static class CloudEventEnvelope
{
    public const string ContentType = "application/cloudevents+json";
    public const string EventType = "com.dapr.event.sent";

    private static readonly CloudEventAttribute TopicAttribute = CloudEventAttribute.CreateExtension("topic", CloudEventAttributeType.String);
    private static readonly CloudEventAttribute PubSubAttribute = CloudEventAttribute.CreateExtension("pubsubname", CloudEventAttributeType.String);
    private static readonly CloudEventAttribute TraceParentAttribute = CloudEventAttribute.CreateExtension("traceparent", CloudEventAttributeType.String);
    private static readonly CloudEventAttribute TraceIdAttribute = CloudEventAttribute.CreateExtension("traceid", CloudEventAttributeType.String);
    private static readonly CloudEventAttribute TraceStateAttribute = CloudEventAttribute.CreateExtension("tracestate", CloudEventAttributeType.String);
    private static readonly JsonEventFormatter Formatter = new();

    /// <summary>Wraps data in a new envelope.</summary>
    public static byte[] Wrap(ReadOnlyMemory<byte> data, string contentType, string appId, string pubsub, string topic, IReadOnlyDictionary<string, string> metadata)
    {
        var cloudEvent = new CloudEvent(CloudEventsSpecVersion.V1_0, [TopicAttribute, PubSubAttribute, TraceParentAttribute, TraceIdAttribute, TraceStateAttribute])
        {
            Id = metadata.GetValueOrDefault("cloudevent.id") ?? Guid.NewGuid().ToString(),
            Source = new Uri(metadata.GetValueOrDefault("cloudevent.source") ?? appId, UriKind.RelativeOrAbsolute),
            Type = metadata.GetValueOrDefault("cloudevent.type") ?? EventType,
            Time = DateTimeOffset.UtcNow,
            DataContentType = contentType,
        };
        cloudEvent[TopicAttribute] = topic;
        cloudEvent[PubSubAttribute] = pubsub;
        var (traceParent, traceId, traceState) = TraceOf(metadata);
        if (traceParent is not null)
        {
            cloudEvent[TraceParentAttribute] = traceParent;
        }
        if (traceId is not null)
        {
            cloudEvent[TraceIdAttribute] = traceId;
        }
        if (traceState is not null)
        {
            cloudEvent[TraceStateAttribute] = traceState;
        }
        if (metadata.GetValueOrDefault("cloudevent.subject") is { } subject)
        {
            cloudEvent.Subject = subject;
        }
        cloudEvent.Data = DataOf(data, contentType);
        return Formatter.EncodeStructuredModeMessage(cloudEvent, out _).ToArray();
    }

    /// <summary>
    /// The trace fields of a new envelope: metadata <c>cloudevent.traceparent</c>, <c>cloudevent.traceid</c> and
    /// <c>cloudevent.tracestate</c> override the publishing request's trace context; <c>traceid</c> defaults to <c>traceparent</c>.
    /// </summary>
    private static (string? TraceParent, string? TraceId, string? TraceState) TraceOf(IReadOnlyDictionary<string, string> metadata)
    {
        var traceParent = metadata.GetValueOrDefault("cloudevent.traceparent") ?? Activity.Current?.Id;
        var traceId = metadata.GetValueOrDefault("cloudevent.traceid") ?? traceParent;
        var traceState = metadata.GetValueOrDefault("cloudevent.tracestate") ?? (Activity.Current?.TraceStateString is { Length: > 0 } state ? state : null);
        return (traceParent, traceId, traceState);
    }

    /// <summary>An envelope as delivered, parsed once for routing and tracing; null when it is not JSON.</summary>
    public static JsonDocument? TryParse(ReadOnlyMemory<byte> envelope)
    {
        try
        {
            return JsonDocument.Parse(envelope);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The W3C trace-context headers to deliver an envelope with (<c>traceparent</c>, <c>tracestate</c>), taken from the
    /// envelope so the app's handling joins the publisher's trace; empty when the envelope has none or is not a JSON object.
    /// </summary>
    public static Dictionary<string, string> TraceHeadersOf(JsonElement? envelope)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (envelope is not { ValueKind: JsonValueKind.Object } root)
        {
            return headers;
        }
        foreach (var name in new[] { "traceparent", "tracestate" })
        {
            if (root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text)
            {
                headers[name] = text;
            }
        }
        return headers;
    }

    /// <summary>Completes a caller-supplied envelope: fills <c>topic</c>, <c>pubsubname</c>, <c>time</c>, the trace fields and missing required attributes.</summary>
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
        var (traceParent, _, traceState) = TraceOf(System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty);
        if (json["traceparent"] is null && traceParent is not null)
        {
            json["traceparent"] = traceParent;
        }
        if (json["traceid"] is null && json["traceparent"] is { } given)
        {
            json["traceid"] = given.DeepClone();
        }
        if (json["tracestate"] is null && traceState is not null)
        {
            json["tracestate"] = traceState;
        }
        return Api.ApiJson.Bytes(json);
    }

    /// <summary>Synthesizes an envelope for a raw payload delivered to an app (data in <c>data_base64</c>).</summary>
    public static byte[] ForRawPayload(string id, ReadOnlyMemory<byte> data, string contentType, string pubsub, string topic) =>
        Api.ApiJson.Bytes(new JsonObject
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
