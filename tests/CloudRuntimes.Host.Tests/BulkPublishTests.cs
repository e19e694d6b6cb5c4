using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// A bulk publish through the real server process to its SQLite pub/sub, larger than one of the log's write groups
/// (256 entries): each entry succeeds or fails on its own (the answer names the failed entry), and a streaming
/// subscription gets every published entry once, in the order of the request.
/// </summary>
[Collection(RuntimeGroup.Name)]
public sealed class BulkPublishTests(RuntimeProcesses runtime)
{
    [Fact]
    public async Task Entries_fail_alone_and_the_others_are_delivered_once_each_in_request_order()
    {
        var topic = "bulk-order-" + Guid.NewGuid().ToString("N");
        // 600 entries: three write groups. Entry 7's ttlInSeconds is not a number of seconds.
        var body = new JsonArray([.. Enumerable.Range(0, 600).Select(i => (JsonNode)new JsonObject
        {
            ["entryId"] = i.ToString(CultureInfo.InvariantCulture),
            ["event"] = i.ToString(CultureInfo.InvariantCulture),
            ["contentType"] = "text/plain",
            ["metadata"] = i == 7 ? new JsonObject { ["ttlInSeconds"] = "soon" } : new JsonObject(),
        })]);

        using var published = await runtime.Http.PostAsync(new Uri(runtime.RuntimeEndpoint, $"v1.0-alpha1/publish/bulk/pubsub/{topic}"), new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.InternalServerError, published.StatusCode);
        var answer = (await published.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("ERR_PUBSUB_PUBLISH_MESSAGE", answer["errorCode"]!.GetValue<string>());
        var failed = Assert.Single(answer["failedEntries"]!.AsArray());
        Assert.Equal("7", failed!["entryId"]!.GetValue<string>());
        Assert.Contains("ttlInSeconds", failed["error"]!.GetValue<string>(), StringComparison.Ordinal);

        Assert.Equal([.. Enumerable.Range(0, 600).Where(i => i != 7).Select(i => i.ToString(CultureInfo.InvariantCulture))], await TopicStream.ReceiveAsync(runtime.RuntimeGrpcEndpoint, topic, 599));
    }
}
