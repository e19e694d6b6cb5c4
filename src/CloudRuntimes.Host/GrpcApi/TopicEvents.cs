using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudRuntimes.Host.Events;
using CloudRuntimes.PubSub;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Callback = Dapr.AppCallback.Autogen.Grpc.v1;

namespace CloudRuntimes.Host.GrpcApi;

/// <summary>
/// A delivered message as Dapr's gRPC <c>TopicEventRequest</c> (streaming subscriptions and <c>AppCallback.OnTopicEvent</c>):
/// the CloudEvent's attributes as fields, <c>data</c> as bytes (<c>data_base64</c> decoded; a string under a text content
/// type as its text; otherwise the JSON of <c>data</c>), every other attribute in <c>extensions</c>. A raw payload is
/// delivered as published, with the message id.
/// </summary>
internal static class TopicEvents
{
    private static readonly HashSet<string> Attributes = ["id", "source", "type", "specversion", "datacontenttype", "data", "data_base64"];

    /// <summary>The request for <paramref name="message"/> of <paramref name="pubsub"/>/<paramref name="topic"/>, delivered to <paramref name="path"/>.</summary>
    public static Callback.TopicEventRequest ToRequest(TopicMessage message, string pubsub, string topic, string path)
    {
        var request = new Callback.TopicEventRequest { Topic = topic, PubsubName = pubsub, Path = path };
        if (message.ContentType.StartsWith(CloudEventEnvelope.ContentType, StringComparison.OrdinalIgnoreCase) && Parse(message.Data) is { } envelope)
        {
            request.Id = Text(envelope, "id") ?? message.Id;
            request.Source = Text(envelope, "source") ?? "";
            request.Type = Text(envelope, "type") ?? "";
            request.SpecVersion = Text(envelope, "specversion") ?? "";
            request.DataContentType = Text(envelope, "datacontenttype") ?? "";
            request.Data = DataOf(envelope, request.DataContentType);
            var extensions = new JsonObject([.. envelope.Where(p => !Attributes.Contains(p.Key)).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))]);
            request.Extensions = Struct.Parser.ParseJson(extensions.ToJsonString());
            return request;
        }
        request.Id = message.Id;
        request.Type = CloudEventEnvelope.EventType;
        request.SpecVersion = "1.0";
        request.Source = pubsub;
        request.DataContentType = message.ContentType;
        request.Data = ByteString.CopyFrom(message.Data.Span);
        return request;
    }

    private static JsonObject? Parse(ReadOnlyMemory<byte> data)
    {
        try
        {
            return JsonNode.Parse(data.Span) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonObject envelope, string name) =>
        envelope[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static ByteString DataOf(JsonObject envelope, string contentType)
    {
        if (Text(envelope, "data_base64") is { } base64)
        {
            try
            {
                return ByteString.FromBase64(base64);
            }
            catch (FormatException)
            {
                return ByteString.Empty;
            }
        }
        if (envelope["data"] is not { } data)
        {
            return ByteString.Empty;
        }
        var isJson = contentType.Split(';')[0].Trim().EndsWith("json", StringComparison.OrdinalIgnoreCase);
        return !isJson && data is JsonValue value && value.TryGetValue<string>(out var text)
            ? ByteString.CopyFrom(text, Encoding.UTF8)
            : ByteString.CopyFrom(data.ToJsonString(), Encoding.UTF8);
    }

    /// <summary>A subscriber's gRPC status as the delivery outcome (an unknown value retries, as Dapr).</summary>
    public static DeliveryStatus StatusOf(Callback.TopicEventResponse.Types.TopicEventResponseStatus status) => status switch
    {
        Callback.TopicEventResponse.Types.TopicEventResponseStatus.Success => DeliveryStatus.Success,
        Callback.TopicEventResponse.Types.TopicEventResponseStatus.Drop => DeliveryStatus.Drop,
        _ => DeliveryStatus.Retry,
    };
}
