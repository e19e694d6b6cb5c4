using Proto = Dapr.Client.Autogen.Grpc.v1;
using Status = Dapr.AppCallback.Autogen.Grpc.v1.TopicEventResponse.Types.TopicEventResponseStatus;

namespace CloudRuntimes.Host.Tests;

/// <summary>Reads a topic of the server's <c>pubsub</c> through a streaming subscription (<c>SubscribeTopicEventsAlpha1</c>).</summary>
internal static class TopicStream
{
    /// <summary>
    /// Subscribes to <paramref name="topic"/> (the app id's group, from the oldest message the log retains) and returns the
    /// data of the first <paramref name="count"/> events, each answered SUCCESS; fails after 120 s.
    /// </summary>
    public static async Task<List<string>> ReceiveAsync(Uri grpcEndpoint, string topic, int count)
    {
        using var channel = DaprGrpc.Channel(grpcEndpoint);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        using var stream = DaprGrpc.Stub(channel).SubscribeTopicEventsAlpha1(cancellationToken: timeout.Token);
        await stream.RequestStream.WriteAsync(new Proto.SubscribeTopicEventsRequestAlpha1
        {
            InitialRequest = new Proto.SubscribeTopicEventsRequestInitialAlpha1 { PubsubName = "pubsub", Topic = topic },
        }, timeout.Token);
        Assert.True(await stream.ResponseStream.MoveNext(timeout.Token));
        Assert.NotNull(stream.ResponseStream.Current.InitialResponse);
        var received = new List<string>();
        while (received.Count < count)
        {
            Assert.True(await stream.ResponseStream.MoveNext(timeout.Token));
            var message = stream.ResponseStream.Current.EventMessage;
            received.Add(message.Data.ToStringUtf8());
            await stream.RequestStream.WriteAsync(new Proto.SubscribeTopicEventsRequestAlpha1
            {
                EventProcessed = new Proto.SubscribeTopicEventsRequestProcessedAlpha1 { Id = message.Id, Status = new Dapr.AppCallback.Autogen.Grpc.v1.TopicEventResponse { Status = Status.Success } },
            }, timeout.Token);
        }
        return received;
    }
}
