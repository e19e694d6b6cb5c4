using System.Text.Json;
using CloudRuntimes.PubSub;

namespace CloudRuntimes.Client;

/// <summary>
/// An event of a streaming subscription (<see cref="PubSubClient.SubscribeAsync"/>): the CloudEvent's attributes and data.
/// Acknowledge it with <see cref="AcknowledgeAsync"/>: <see cref="DeliveryStatus.Success"/> removes it,
/// <see cref="DeliveryStatus.Retry"/> has it delivered again later, <see cref="DeliveryStatus.Drop"/> drops it (to the
/// subscription's dead-letter topic when it has one). An event not acknowledged when the subscription ends is delivered
/// again later.
/// </summary>
public sealed class TopicEvent
{
    private readonly Func<DeliveryStatus, CancellationToken, Task> _acknowledge;

    internal TopicEvent(Dapr.AppCallback.Autogen.Grpc.v1.TopicEventRequest request, Func<DeliveryStatus, CancellationToken, Task> acknowledge)
    {
        _acknowledge = acknowledge;
        Id = request.Id;
        Source = request.Source;
        Type = request.Type;
        SpecVersion = request.SpecVersion;
        DataContentType = request.DataContentType;
        Data = request.Data.Memory;
        Topic = request.Topic;
        PubSubName = request.PubsubName;
        using var extensions = JsonDocument.Parse(request.Extensions is { } given ? Google.Protobuf.JsonFormatter.Default.Format(given) : "{}");
        Extensions = extensions.RootElement.Clone();
    }

    /// <summary>The CloudEvent id (the same on every delivery of the event).</summary>
    public string Id { get; }

    /// <summary>The CloudEvent source (the publishing app id).</summary>
    public string Source { get; }

    /// <summary>The CloudEvent type (<c>com.dapr.event.sent</c> for published data).</summary>
    public string Type { get; }

    /// <summary>The CloudEvents spec version (<c>1.0</c>).</summary>
    public string SpecVersion { get; }

    /// <summary>The data's content type, e.g. <c>application/json</c>.</summary>
    public string DataContentType { get; }

    /// <summary>The data: its JSON text for JSON content types, its text for text types, else its bytes.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The topic.</summary>
    public string Topic { get; }

    /// <summary>The pub/sub component.</summary>
    public string PubSubName { get; }

    /// <summary>The CloudEvent's other attributes (<c>traceparent</c>, <c>time</c>, ...), as a JSON object.</summary>
    public JsonElement Extensions { get; }

    /// <summary>The data deserialized from JSON.</summary>
    /// <typeparam name="T">The data type.</typeparam>
    /// <param name="options">Serializer options; null for the web defaults (camelCase).</param>
    /// <returns>The value.</returns>
    /// <exception cref="JsonException">The data is not JSON of <typeparamref name="T"/>.</exception>
    public T? DataAs<T>(JsonSerializerOptions? options = null) => JsonSerializer.Deserialize<T>(Data.Span, options ?? JsonSerializerOptions.Web);

    /// <summary>Tells the runtime what became of the event.</summary>
    /// <param name="status">Success (default), Retry or Drop.</param>
    /// <param name="cancellationToken">Cancels sending the answer.</param>
    /// <returns>A task that completes when the answer is sent.</returns>
    /// <exception cref="CloudRuntimesException">The subscription's stream has ended.</exception>
    public Task AcknowledgeAsync(DeliveryStatus status = DeliveryStatus.Success, CancellationToken cancellationToken = default) => _acknowledge(status, cancellationToken);
}
