using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Grpc.Core;
using Proto = Dapr.Client.Autogen.Grpc.v1;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// The state query API's cost is bounded, against the real server process (docs/security.md): an oversized query (too
/// many terms, too long a path) is refused before it runs, 400 <c>ERR_MALFORMED_REQUEST</c> (gRPC InvalidArgument), and a
/// query still running at its deadline (<c>--state-query-timeout</c>) stops, 504 <c>ERR_STATE_QUERY</c> (gRPC
/// DeadlineExceeded), over HTTP and gRPC alike.
/// </summary>
[Collection(RuntimeGroup.Name)]
public sealed class StateQueryBoundsTests(RuntimeProcesses runtime)
{
    [Fact]
    public async Task Oversized_queries_are_refused_naming_the_part_over_http_and_grpc()
    {
        var or = "{\"filter\":{\"OR\":[" + string.Join(',', Enumerable.Repeat("""{"EQ":{"n":-1}}""", 1000)) + "]}}";

        using var response = await runtime.Http.PostAsync(new Uri(runtime.RuntimeEndpoint, "v1.0-alpha1/state/statestore/query"), Json(or));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("ERR_MALFORMED_REQUEST", error["errorCode"]!.GetValue<string>());
        Assert.Equal("state query: filter has more than 1000 terms (operators and IN values); narrow the query or split it", error["message"]!.GetValue<string>());
        using var channel = DaprGrpc.Channel(runtime.RuntimeGrpcEndpoint);
        var path = string.Join('.', Enumerable.Repeat("a", 33));
        var refused = await Assert.ThrowsAsync<RpcException>(() => DaprGrpc.Stub(channel).QueryStateAlpha1Async(
            new Proto.QueryStateRequest { StoreName = "statestore", Query = $$"""{"sort":[{"key":"{{path}}"}]}""" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal("ERR_MALFORMED_REQUEST", DaprGrpc.ErrorInfo(refused).Reason);
        Assert.Contains("sort[0].key: the path \"a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.…\" has 33 steps; a path may have at most 32", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_query_past_its_deadline_stops_with_504_over_http_and_grpc()
    {
        await using var server = await ServerProcess.StartHealthyAsync("cr-e2e-query-deadline", "--state-query-timeout", "0.05");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(120) };
        for (var batch = 0; batch < 10; batch++)
        {
            var items = new JsonArray([.. Enumerable.Range(batch * 500, 500).Select(i => (JsonNode)new JsonObject { ["key"] = $"k{i}", ["value"] = new JsonObject { ["n"] = i, ["name"] = $"item-{i}" } })]);
            using var save = await http.PostAsync(new Uri(server.Endpoint, "v1.0/state/statestore"), Json(items.ToJsonString()));
            Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);
        }
        // 5,000 items against 998 names each: far more than 50 ms of work.
        var query = "{\"filter\":{\"IN\":{\"name\":[" + string.Join(',', Enumerable.Range(0, 998).Select(i => $"\"nobody-{i}\"")) + "]}}}";

        using var response = await http.PostAsync(new Uri(server.Endpoint, "v1.0-alpha1/state/statestore/query"), Json(query));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("ERR_STATE_QUERY", error["errorCode"]!.GetValue<string>());
        Assert.Equal("state store statestore: the query ran past its deadline of 0.05 s (--state-query-timeout) and was stopped; narrow its filter", error["message"]!.GetValue<string>());
        using var channel = DaprGrpc.Channel(server.GrpcEndpoint);
        var stopped = await Assert.ThrowsAsync<RpcException>(() => DaprGrpc.Stub(channel).QueryStateAlpha1Async(new Proto.QueryStateRequest { StoreName = "statestore", Query = query }).ResponseAsync);
        Assert.Equal(StatusCode.DeadlineExceeded, stopped.StatusCode);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
