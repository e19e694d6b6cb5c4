using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using Grpc.Net.Client;
using Proto = Dapr.Client.Autogen.Grpc.v1;

namespace CloudRuntimes.LoadTests;

/// <summary>
/// The requests of <see cref="HttpOperations"/> over the server's gRPC API (<c>dapr.proto.runtime.v1.Dapr</c>, stubs of
/// <c>Dapr.Protos</c>): GetState, SaveState+GetState, InvokeService (to the HTTP app, verb POST) and PublishEvent, on
/// HTTP/2 cleartext connections (<see cref="SocketsHttpHandler.EnableMultipleHttp2Connections"/>, so the streams of the
/// workers spread over more than one connection when one is full).
/// </summary>
internal sealed class GrpcOperations : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly Proto.Dapr.DaprClient _dapr;
    private long _nextMessage;

    public GrpcOperations(Uri endpoint)
    {
        _channel = GrpcChannel.ForAddress(endpoint, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, UseProxy = false, PooledConnectionLifetime = Timeout.InfiniteTimeSpan },
        });
        _dapr = new Proto.Dapr.DaprClient(_channel);
    }

    /// <summary>Ids of the messages the server acknowledged on publish.</summary>
    public ConcurrentDictionary<string, bool> Published { get; } = new(StringComparer.Ordinal);

    public LoadOperation StateGet => new("state get (gRPC)", async (_, _, token) =>
    {
        var response = await _dapr.GetStateAsync(new Proto.GetStateRequest { StoreName = HttpOperations.Store, Key = HttpOperations.PresavedKey }, cancellationToken: token);
        return response.Data.Span.SequenceEqual(HttpOperations.PresavedValue);
    });

    public LoadOperation StateSaveGet => new("state save+get (gRPC)", async (worker, iteration, token) =>
    {
        var (key, value) = StateValues.For(worker, iteration);
        var save = new Proto.SaveStateRequest { StoreName = HttpOperations.Store };
        save.States.Add(new Proto.StateItem { Key = key, Value = ByteString.CopyFromUtf8(value) });
        await _dapr.SaveStateAsync(save, cancellationToken: token);
        var response = await _dapr.GetStateAsync(new Proto.GetStateRequest { StoreName = HttpOperations.Store, Key = key }, cancellationToken: token);
        return response.Data.ToStringUtf8() == value;
    });

    public LoadOperation Invoke => new("invoke (gRPC)", async (worker, iteration, token) =>
    {
        var text = $$"""{"worker":{{worker}},"i":{{iteration}}}""";
        var request = new Proto.InvokeServiceRequest
        {
            Id = RuntimeProcess.AppId,
            Message = new Proto.InvokeRequest
            {
                Method = "echo",
                ContentType = "application/json",
                Data = new Google.Protobuf.WellKnownTypes.Any { Value = ByteString.CopyFrom(text, Encoding.UTF8) },
                HttpExtension = new Proto.HTTPExtension { Verb = Proto.HTTPExtension.Types.Verb.Post },
            },
        };
        var response = await _dapr.InvokeServiceAsync(request, cancellationToken: token);
        return response.Data.Value.ToStringUtf8() == text;
    });

    public LoadOperation Publish => new("publish (gRPC)", async (_, _, token) =>
    {
        var id = "g" + Interlocked.Increment(ref _nextMessage).ToString(CultureInfo.InvariantCulture);
        await _dapr.PublishEventAsync(new Proto.PublishEventRequest
        {
            PubsubName = LoadApp.PubSub,
            Topic = LoadApp.Topic,
            Data = ByteString.CopyFromUtf8($$"""{"id":"{{id}}"}"""),
            DataContentType = "application/json",
        }, cancellationToken: token);
        Published[id] = true;
        return true;
    });

    public void Dispose() => _channel.Dispose();
}
