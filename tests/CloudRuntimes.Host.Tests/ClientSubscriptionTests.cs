using System.Text.Json.Nodes;
using CloudRuntimes.Client;
using CloudRuntimes.PubSub;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// <c>client.PubSub.SubscribeAsync</c> against the real server process: a subscription without an app port over the
/// gRPC streaming API, events acknowledged one by one (a RETRY comes again, a DROP goes to the dead-letter topic), and
/// the runtime's refusal as a <see cref="CloudRuntimesException"/> with its catalogue code.
/// </summary>
[Collection(RuntimeGroup.Name)]
public sealed class ClientSubscriptionTests(RuntimeProcesses runtime)
{
    private CloudRuntimesClient Client() => new(runtime.RuntimeEndpoint, grpcEndpoint: runtime.RuntimeGrpcEndpoint);

    [Fact]
    public async Task Subscribe_gets_published_events_and_each_acknowledgement_is_honoured()
    {
        using var client = Client();
        var topic = "client-stream-" + Guid.NewGuid().ToString("N");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var events = client.PubSub.SubscribeAsync("pubsub", topic, deadLetterTopic: "flaky-dead", cancellationToken: timeout.Token).GetAsyncEnumerator(timeout.Token);

        // The first MoveNext opens the stream; publish once the subscription is listed.
        var next = events.MoveNextAsync();
        await WaitForStreamingSubscriptionAsync(topic);
        foreach (var n in new[] { 1, 2, 3 })
        {
            await client.PubSub.PublishEventAsync("pubsub", topic, new { n });
        }

        var seen = new List<int>();
        while (seen.Count < 4)
        {
            Assert.True(await next);
            var message = events.Current;
            Assert.Equal(topic, message.Topic);
            Assert.Equal(RuntimeProcesses.AppId, message.Source);
            var n = message.DataAs<JsonObject>()!["n"]!.GetValue<int>();
            await message.AcknowledgeAsync(n switch { 2 when !seen.Contains(2) => DeliveryStatus.Retry, 3 => DeliveryStatus.Drop, _ => DeliveryStatus.Success });
            seen.Add(n);
            if (seen.Count < 4)
            {
                next = events.MoveNextAsync();
            }
        }
        Assert.Equal([1, 2, 2, 3], seen.Order());
        var dead = await runtime.WaitForReceivedAsync(r => r["kind"]!.GetValue<string>() == "dead" && r["body"]?["topic"]?.GetValue<string>() == topic);
        Assert.Equal(3, Assert.Single(dead)["body"]!["data"]!["n"]!.GetValue<int>());
    }

    [Fact]
    public async Task Subscribing_to_an_unknown_pubsub_fails_with_its_error_code()
    {
        using var client = Client();
        var refused = await Assert.ThrowsAsync<CloudRuntimesException>(async () =>
        {
            await foreach (var _ in client.PubSub.SubscribeAsync("nope", "topic"))
            {
            }
        });
        Assert.Equal(CloudRuntimesErrors.PubSubNotFound, refused.Error);

        using var nowhere = new CloudRuntimesClient(runtime.RuntimeEndpoint, grpcEndpoint: new Uri($"http://127.0.0.1:{FreePorts.Next()}"));
        var unreachable = await Assert.ThrowsAsync<CloudRuntimesException>(async () =>
        {
            await foreach (var _ in nowhere.PubSub.SubscribeAsync("pubsub", "topic"))
            {
            }
        });
        Assert.Equal(CloudRuntimesErrors.RuntimeUnavailable, unreachable.Error);
    }

    [Fact]
    public async Task Sync_publish_reaches_the_app()
    {
        using var client = Client();
        var marker = Guid.NewGuid().ToString("N");
        client.PubSub.Publish("pubsub", "orders", System.Text.Encoding.UTF8.GetBytes($$"""{"marker":"{{marker}}"}"""));
        var events = await runtime.WaitForReceivedAsync(r => r["kind"]!.GetValue<string>() == "event" && r["body"]?["data"]?["marker"]?.GetValue<string>() == marker);
        Assert.Single(events);
        var refused = Assert.Throws<CloudRuntimesException>(() => client.PubSub.Publish("nope", "orders", "{}"u8.ToArray()));
        Assert.Equal(CloudRuntimesErrors.PubSubNotFound.Code, refused.ErrorCode);
    }

    private async Task WaitForStreamingSubscriptionAsync(string topic)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var metadata = JsonNode.Parse(await runtime.Http.GetStringAsync(new Uri(runtime.RuntimeEndpoint, "v1.0/metadata")))!;
            if (metadata["subscriptions"]!.AsArray().Any(s => s!["topic"]!.GetValue<string>() == topic && s["type"]!.GetValue<string>() == "STREAMING"))
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, "the streaming subscription was not listed within 30 s");
            await Task.Delay(100);
        }
    }
}
