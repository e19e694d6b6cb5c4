using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Grpc.Core;
using Proto = Dapr.Client.Autogen.Grpc.v1;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// What one bulk publish may store (<c>--max-bulk-publish-size</c>, docs/security.md) against the real server process and
/// its SQLite pub/sub: many tiny entries, or the request's metadata repeated with every entry, past the bound are 413
/// (gRPC ResourceExhausted) <c>ERR_PAYLOAD_TOO_LARGE</c>, and not one entry is published.
/// </summary>
[Collection(RuntimeGroup.Name)]
public sealed class BulkPublishLimitTests(RuntimeProcesses runtime) : IAsyncLifetime
{
    private OwnServer _own = null!;

    private HttpClient Http => runtime.Http;

    private ServerProcess Server => _own.Process;

    public async ValueTask InitializeAsync() => _own = await OwnServer.StartAsync(Http, "bulk-limit", "--max-bulk-publish-size", "1");

    public ValueTask DisposeAsync() => _own.DisposeAsync();

    private static string Entries(int count) =>
        new JsonArray([.. Enumerable.Range(0, count).Select(i => (JsonNode)new JsonObject { ["entryId"] = i.ToString(CultureInfo.InvariantCulture), ["event"] = "x", ["contentType"] = "text/plain" })]).ToJsonString();

    [Fact]
    public async Task Tiny_entries_that_would_store_more_than_the_bound_are_413_and_none_is_published()
    {
        var topic = "bulk-" + Guid.NewGuid().ToString("N");
        // Each entry's envelope alone is over 300 bytes (id, source, type, time, topic, pubsubname, trace context): 4,000 of
        // them pass 1 MiB, though the request is about 250 KB.
        var body = Entries(4000);
        Assert.True(body.Length < 300_000);

        using var refused = await Http.PostAsync(new Uri(Server.Endpoint, $"v1.0-alpha1/publish/bulk/pubsub/{topic}"), new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        var error = (await refused.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("ERR_PAYLOAD_TOO_LARGE", error["errorCode"]!.GetValue<string>());
        Assert.StartsWith($"bulk publish to {topic}: its 4,000 entries would store more than 1 MiB", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        await AssertFirstEventIsTheMarkerAsync(topic);
    }

    [Fact]
    public async Task Entries_within_the_bound_are_published()
    {
        var topic = "bulk-" + Guid.NewGuid().ToString("N");

        using var published = await Http.PostAsync(new Uri(Server.Endpoint, $"v1.0-alpha1/publish/bulk/pubsub/{topic}"), new StringContent(Entries(100), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.NoContent, published.StatusCode);
    }

    [Fact]
    public async Task Request_metadata_repeated_with_every_entry_counts_and_is_resource_exhausted_over_grpc()
    {
        var topic = "bulk-" + Guid.NewGuid().ToString("N");
        using var channel = DaprGrpc.Channel(Server.GrpcEndpoint);
        var request = new Proto.BulkPublishRequest { PubsubName = "pubsub", Topic = topic };
        // 16 KB of request metadata (within the bound of a metadata map), stored with each of 80 entries: 1.3 MB from a 17 KB message.
        request.Metadata.Add("padding", new string('m', 16_000));
        for (var i = 0; i < 80; i++)
        {
            request.Entries.Add(new Proto.BulkPublishRequestEntry { EntryId = "e" + i.ToString(CultureInfo.InvariantCulture), Event = ByteString.CopyFromUtf8("{}"), ContentType = "application/json" });
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => DaprGrpc.Stub(channel).BulkPublishEventAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("its 80 entries would store more than 1 MiB", error.Status.Detail, StringComparison.Ordinal);
        await AssertFirstEventIsTheMarkerAsync(topic);
    }

    /// <summary>Publishes a marker and subscribes from the topic's oldest message: the marker comes first, so nothing of the refused request was stored.</summary>
    private async Task AssertFirstEventIsTheMarkerAsync(string topic)
    {
        using var marker = await Http.PostAsync(new Uri(Server.Endpoint, $"v1.0/publish/pubsub/{topic}"), new StringContent("marker", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.NoContent, marker.StatusCode);
        Assert.Equal(["marker"], await TopicStream.ReceiveAsync(Server.GrpcEndpoint, topic, 1));
    }
}
