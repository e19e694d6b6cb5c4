using System.Text.Json.Nodes;
using Grpc.Core;
using Proto = Dapr.Client.Autogen.Grpc.v1;
using Status = Dapr.AppCallback.Autogen.Grpc.v1.TopicEventResponse.Types.TopicEventResponseStatus;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// The streams of the gRPC API against the real server process: a streaming subscription (<c>SubscribeTopicEventsAlpha1</c>,
/// the request/response shapes of Dapr's pubsub.proto) acknowledged per event, and configuration changes of a rototo
/// workspace arriving on a <c>SubscribeConfiguration</c> stream of the unmodified Dapr SDK.
/// </summary>
[Collection(RuntimeGroup.Name)]
public sealed class GrpcStreamTests(RuntimeProcesses runtime)
{
    [Fact]
    public async Task A_streaming_subscription_gets_events_without_an_app_port_and_retry_and_drop_are_honoured()
    {
        var topic = "stream-" + Guid.NewGuid().ToString("N");
        using var channel = DaprGrpc.Channel(runtime.RuntimeGrpcEndpoint);
        var dapr = DaprGrpc.Stub(channel);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var stream = dapr.SubscribeTopicEventsAlpha1(cancellationToken: timeout.Token);
        // Dropped events go to the dead-letter topic, which the test app subscribes to over HTTP.
        await stream.RequestStream.WriteAsync(new Proto.SubscribeTopicEventsRequestAlpha1
        {
            InitialRequest = new Proto.SubscribeTopicEventsRequestInitialAlpha1 { PubsubName = "pubsub", Topic = topic, DeadLetterTopic = "flaky-dead" },
        });
        Assert.True(await stream.ResponseStream.MoveNext(timeout.Token));
        Assert.NotNull(stream.ResponseStream.Current.InitialResponse);

        var metadata = JsonNode.Parse(await runtime.Http.GetStringAsync(new Uri(runtime.RuntimeEndpoint, "v1.0/metadata")))!;
        Assert.Contains(metadata["subscriptions"]!.AsArray(), s => s!["topic"]!.GetValue<string>() == topic && s["type"]!.GetValue<string>() == "STREAMING");

        var publisher = DaprGrpc.Client(runtime.RuntimeEndpoint, runtime.RuntimeGrpcEndpoint);
        foreach (var n in new[] { "ok", "retry", "drop" })
        {
            await publisher.PublishEventAsync("pubsub", topic, new { n });
        }

        var seen = new List<string>();
        while (seen.Count < 4)
        {
            Assert.True(await stream.ResponseStream.MoveNext(timeout.Token));
            var message = stream.ResponseStream.Current.EventMessage;
            Assert.Equal(topic, message.Topic);
            Assert.Equal("pubsub", message.PubsubName);
            Assert.Equal("com.dapr.event.sent", message.Type);
            Assert.Equal("application/json", message.DataContentType);
            Assert.Equal(RuntimeProcesses.AppId, message.Source);
            var n = JsonNode.Parse(message.Data.ToStringUtf8())!["n"]!.GetValue<string>();
            // The first delivery of "retry" is answered RETRY; it must come again (then SUCCESS).
            var status = n switch { "retry" when !seen.Contains("retry") => Status.Retry, "drop" => Status.Drop, _ => Status.Success };
            seen.Add(n);
            await stream.RequestStream.WriteAsync(new Proto.SubscribeTopicEventsRequestAlpha1
            {
                EventProcessed = new Proto.SubscribeTopicEventsRequestProcessedAlpha1 { Id = message.Id, Status = new Dapr.AppCallback.Autogen.Grpc.v1.TopicEventResponse { Status = status } },
            });
        }
        // Delivery order after a retry is the component's business; each outcome is not.
        Assert.Equal(["drop", "ok", "retry", "retry"], seen.Order(StringComparer.Ordinal));

        var dead = await runtime.WaitForReceivedAsync(r => r["kind"]!.GetValue<string>() == "dead" && r["body"]?["topic"]?.GetValue<string>() == topic);
        Assert.Equal("drop", Assert.Single(dead)["body"]!["data"]!["n"]!.GetValue<string>());

        await stream.RequestStream.CompleteAsync();
        Assert.False(await stream.ResponseStream.MoveNext(timeout.Token));
    }

    [Fact]
    public async Task A_stream_must_start_with_an_initial_request_naming_a_known_pubsub()
    {
        using var channel = DaprGrpc.Channel(runtime.RuntimeGrpcEndpoint);
        var dapr = DaprGrpc.Stub(channel);

        using var unknown = dapr.SubscribeTopicEventsAlpha1();
        await unknown.RequestStream.WriteAsync(new Proto.SubscribeTopicEventsRequestAlpha1 { InitialRequest = new Proto.SubscribeTopicEventsRequestInitialAlpha1 { PubsubName = "nope", Topic = "t" } });
        var notFound = await Assert.ThrowsAsync<RpcException>(() => unknown.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.InvalidArgument, notFound.StatusCode);
        Assert.Equal("DAPR_PUBSUB_NOT_FOUND", DaprGrpc.ErrorInfo(notFound).Reason);

        using var acknowledgementFirst = dapr.SubscribeTopicEventsAlpha1();
        await acknowledgementFirst.RequestStream.WriteAsync(new Proto.SubscribeTopicEventsRequestAlpha1 { EventProcessed = new Proto.SubscribeTopicEventsRequestProcessedAlpha1 { Id = "x" } });
        var malformed = await Assert.ThrowsAsync<RpcException>(() => acknowledgementFirst.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
    }
}
