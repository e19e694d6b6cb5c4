using System.Diagnostics;
using System.Globalization;
using System.Net.Mime;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CloudRuntimes.Host.Events;

/// <summary>
/// The CloudEvents 1.0 envelope Dapr wraps published data in (JSON structured mode, written with System.Text.Json's
/// nodes: trim- and native AOT-safe): <c>id</c>,
/// <c>source</c> = app id, <c>type</c> = <c>com.dapr.event.sent</c>, <c>datacontenttype</c>, <c>data</c> (JSON
/// embedded, text as a string, other bytes as <c>data_base64</c>), extensions <c>topic</c>, <c>pubsubname</c>,
/// <c>traceparent</c>, <c>traceid</c> (the same value, as Dapr writes it), <c>tracestate</c>, and <c>time</c>.
/// </summary>
internal static class CloudEventEnvelope
{
    public const string ContentType = "application/cloudevents+json";
    public const string EventType = "com.dapr.event.sent";

    /// <summary>Wraps data in a new envelope.</summary>
    public static byte[] Wrap(ReadOnlyMemory<byte> data, string contentType, string appId, string pubsub, string topic, IReadOnlyDictionary<string, string> metadata)
    {
        var json = new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = NonEmpty(metadata, "cloudevent.id") ?? Guid.NewGuid().ToString(),
            ["source"] = NonEmpty(metadata, "cloudevent.source") ?? appId,
            ["type"] = NonEmpty(metadata, "cloudevent.type") ?? EventType,
            ["datacontenttype"] = contentType,
            ["time"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["topic"] = topic,
            ["pubsubname"] = pubsub,
        };
        var (traceParent, traceId, traceState) = TraceOf(metadata);
        if (traceParent is not null)
        {
            json["traceparent"] = traceParent;
        }
        if (traceId is not null)
        {
            json["traceid"] = traceId;
        }
        if (traceState is not null)
        {
            json["tracestate"] = traceState;
        }
        if (metadata.GetValueOrDefault("cloudevent.subject") is { } subject)
        {
            json["subject"] = subject;
        }
        AddData(json, data, contentType);
        return Api.ApiJson.Bytes(json);
    }

    private static string? NonEmpty(IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.GetValueOrDefault(key) is { Length: > 0 } value ? value : null;

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
    /// <exception cref="JsonException">The body is not a JSON object, or it names an attribute twice.</exception>
    public static byte[] Complete(ReadOnlyMemory<byte> envelope, string appId, string pubsub, string topic)
    {
        var json = JsonNode.Parse(envelope.Span) as JsonObject ?? throw new JsonException("a CloudEvent must be a JSON object");
        try
        {
            _ = json.Count; // JsonObject reads its properties on first use, and refuses a name given twice then
        }
        catch (ArgumentException)
        {
            throw new JsonException("a CloudEvent must not name an attribute twice");
        }
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

    /// <summary>
    /// Adds the data as the envelope carries it: parsed JSON under <c>data</c> for a JSON media type (the text as a string
    /// when it does not parse), text under <c>data</c> for <c>text/*</c> and XML, other bytes under <c>data_base64</c>.
    /// </summary>
    private static void AddData(JsonObject json, ReadOnlyMemory<byte> data, string contentType)
    {
        var mediaType = contentType.Split(';')[0].Trim();
        if (mediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                json["data"] = JsonNode.Parse(data.Span);
                return;
            }
            catch (JsonException)
            {
                json["data"] = Encoding.UTF8.GetString(data.Span);
                return;
            }
        }
        if (mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase) || mediaType == MediaTypeNames.Application.Xml)
        {
            json["data"] = Encoding.UTF8.GetString(data.Span);
            return;
        }
        json["data_base64"] = Convert.ToBase64String(data.Span);
    }
}
