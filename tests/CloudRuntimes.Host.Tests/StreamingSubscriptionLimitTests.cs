using System.Text.Json.Nodes;
using Grpc.Core;
using Proto = Dapr.Client.Autogen.Grpc.v1;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// The streaming subscriptions the server holds open (<c>--max-streaming-subscriptions</c>, docs/security.md) against the
/// real server process: one more than the limit, on any topic, is ResourceExhausted <c>ERR_PUBSUB_SUBSCRIBE</c>; closing
/// one makes room again.
/// </summary>
[Collection(RuntimeGroup.Name)]
public sealed class StreamingSubscriptionLimitTests(RuntimeProcesses runtime)
{
    [Fact]
    public async Task Streams_past_the_limit_are_resource_exhausted_until_one_is_closed()
    {
        var data = TempFolders.New("cr-e2e-stream-subs-");
        await using var server = ServerProcess.Start(data, null, "--max-streaming-subscriptions", "2");
        await server.WaitHealthyAsync(runtime.Http);
        using var channel = DaprGrpc.Channel(server.GrpcEndpoint);
        var dapr = DaprGrpc.Stub(channel);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var first = await OpenAsync(dapr, "a", timeout.Token);
        using var second = await OpenAsync(dapr, "b", timeout.Token);
        using var third = dapr.SubscribeTopicEventsAlpha1(cancellationToken: timeout.Token);
        await third.RequestStream.WriteAsync(Initial("c"), timeout.Token);
        var refused = await Assert.ThrowsAsync<RpcException>(() => third.ResponseStream.MoveNext(timeout.Token));

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Equal("ERR_PUBSUB_SUBSCRIBE", DaprGrpc.ErrorInfo(refused).Reason);
        Assert.Equal("subscription to topic c of pubsub refused: 2 streaming subscriptions are open, the most allowed (--max-streaming-subscriptions); close one first", refused.Status.Detail);
        Assert.Equal(2, await StreamingCountAsync(server));

        first.Dispose();
        while (await StreamingCountAsync(server) > 1)
        {
            await Task.Delay(50, timeout.Token);
        }
        using var again = await OpenAsync(dapr, "c", timeout.Token);
        Assert.Equal(2, await StreamingCountAsync(server));
    }

    private static Proto.SubscribeTopicEventsRequestAlpha1 Initial(string topic) =>
        new() { InitialRequest = new Proto.SubscribeTopicEventsRequestInitialAlpha1 { PubsubName = "pubsub", Topic = topic } };

    private static async Task<AsyncDuplexStreamingCall<Proto.SubscribeTopicEventsRequestAlpha1, Proto.SubscribeTopicEventsResponseAlpha1>> OpenAsync(
        Proto.Dapr.DaprClient dapr, string topic, CancellationToken cancellationToken)
    {
        var stream = dapr.SubscribeTopicEventsAlpha1(cancellationToken: cancellationToken);
        await stream.RequestStream.WriteAsync(Initial(topic), cancellationToken);
        Assert.True(await stream.ResponseStream.MoveNext(cancellationToken));
        Assert.NotNull(stream.ResponseStream.Current.InitialResponse);
        return stream;
    }

    private async Task<int> StreamingCountAsync(ServerProcess server)
    {
        var metadata = JsonNode.Parse(await runtime.Http.GetStringAsync(new Uri(server.Endpoint, "v1.0/metadata")))!;
        return metadata["subscriptions"]!.AsArray().Count(s => s!["type"]!.GetValue<string>() == "STREAMING");
    }
}
