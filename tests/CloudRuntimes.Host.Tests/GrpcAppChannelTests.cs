using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Grpc.Core;
using Proto = Dapr.Client.Autogen.Grpc.v1;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// The gRPC app channel (<c>--app-protocol grpc</c>) against real processes: a test app built on Dapr.AspNetCore and
/// <c>AppCallback.AppCallbackBase</c> gets invocations (over the gRPC and the HTTP API), topic events (routed, retried,
/// in bulk) and job firings from the runtime through Dapr's <c>AppCallback</c> service, and calls the runtime back with
/// its DaprClient. Expectations follow Dapr's gRPC channel (pkg/channel/grpc, pkg/runtime/subscription/postman/grpc).
/// </summary>
[Collection(RuntimeGroup.Name)]
public sealed class GrpcAppChannelTests(RuntimeProcesses runtime) : IAsyncLifetime
{
    private Uri _http = null!;
    private Uri _grpc = null!;

    private HttpClient Http => runtime.Http;

    public async ValueTask InitializeAsync()
    {
        var appPort = FreePorts.Next();
        var data = TempFolders.New("cr-e2e-grpc-app-");
        _http = runtime.StartRuntime(data, appPort, apiToken: null, "--app-protocol", "grpc", "--resources-path", WriteResources(data));
        _grpc = runtime.GrpcEndpoint(_http);
        await runtime.StartGrpcAppAsync(appPort, _http, _grpc);
        // healthz is 204 once the app channel is open: the app's health check answered and its subscriptions were read.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await HealthyAsync())
        {
            Assert.True(DateTime.UtcNow < deadline, "the runtime did not open the gRPC app channel within 60 s");
            await Task.Delay(100);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>The blocks these tests use, and two input bindings firing every second: <c>tick</c> (the app lists it) and <c>untick</c> (it does not).</summary>
    private static string WriteResources(string data)
    {
        var resources = Directory.CreateDirectory(Path.Combine(data, "resources")).FullName;
        var components = new (string Name, string Type, string? Schedule)[]
        {
            ("statestore", "state.sqlite", null), ("pubsub", "pubsub.sqlite", null), ("jobs", "jobs.sqlite", null),
            ("tick", "bindings.cron", "@every 1s"), ("untick", "bindings.cron", "@every 1s"),
        };
        File.WriteAllText(Path.Combine(resources, "components.yaml"), string.Join("---\n", components.Select(c => $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: {c.Name}
            spec:
              type: {c.Type}
              version: v1
              metadata: {(c.Schedule is null ? "[]" : $"[{{name: schedule, value: \"{c.Schedule}\"}}]")}

            """)));
        return resources;
    }

    private async Task<bool> HealthyAsync()
    {
        try
        {
            using var response = await Http.GetAsync(new Uri(_http, "v1.0/healthz"));
            return response.StatusCode == HttpStatusCode.NoContent;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private async Task<List<JsonObject>> ReceivedAsync(Func<JsonObject, bool> predicate, int count = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await Http.PostAsync(new Uri(_http, $"v1.0/invoke/{RuntimeProcesses.AppId}/method/received"), null);
            var matches = (await response.Content.ReadFromJsonAsync<JsonArray>())!.OfType<JsonObject>().Where(predicate).ToList();
            if (matches.Count >= count || DateTime.UtcNow > deadline)
            {
                return matches;
            }
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Invocations_reach_on_invoke_over_the_grpc_and_the_http_api()
    {
        var metadata = JsonNode.Parse(await Http.GetStringAsync(new Uri(_http, "v1.0/metadata")))!;
        Assert.Equal("grpc", metadata["appConnectionProperties"]!["protocol"]!.GetValue<string>());

        using var channel = DaprGrpc.Channel(_grpc);
        var dapr = DaprGrpc.Stub(channel);
        var data = Google.Protobuf.WellKnownTypes.Any.Pack(new Google.Protobuf.WellKnownTypes.StringValue { Value = "over grpc" });
        var echoed = await dapr.InvokeServiceAsync(new Proto.InvokeServiceRequest { Id = RuntimeProcesses.AppId, Message = new Proto.InvokeRequest { Method = "echo", Data = data, ContentType = "application/x-protobuf" } });
        Assert.Equal("over grpc", echoed.Data.Unpack<Google.Protobuf.WellKnownTypes.StringValue>().Value);
        Assert.Equal("application/x-protobuf", echoed.ContentType);

        // The app's failure status comes back as it is over gRPC; over HTTP as Dapr maps it (FailedPrecondition = 400).
        var failed = await Assert.ThrowsAsync<RpcException>(() => dapr.InvokeServiceAsync(new Proto.InvokeServiceRequest { Id = RuntimeProcesses.AppId, Message = new Proto.InvokeRequest { Method = "fail" } }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, failed.StatusCode);
        using var httpFailed = await Http.PostAsync(new Uri(_http, $"v1.0/invoke/{RuntimeProcesses.AppId}/method/fail"), null);
        Assert.Equal(HttpStatusCode.BadRequest, httpFailed.StatusCode);
        Assert.Equal("ERR_DIRECT_INVOKE", (await httpFailed.Content.ReadFromJsonAsync<JsonObject>())!["errorCode"]!.GetValue<string>());

        using var httpEcho = await Http.PutAsync(new Uri(_http, $"v1.0/invoke/{RuntimeProcesses.AppId}/method/echo?x=1&y=2"), new StringContent("over http", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.OK, httpEcho.StatusCode);
        Assert.Equal("over http", await httpEcho.Content.ReadAsStringAsync());
        Assert.StartsWith("text/plain", httpEcho.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);

        var invocations = await ReceivedAsync(r => r["kind"]!.GetValue<string>() == "invoke", count: 2);
        var fromHttp = Assert.Single(invocations, i => i["verb"]?.GetValue<string>() == "Put");
        Assert.Equal("x=1&y=2", fromHttp["query"]!.GetValue<string>());
        Assert.Equal("echo", fromHttp["method"]!.GetValue<string>());
        Assert.Equal("app-token", fromHttp["token"]!.GetValue<string>());
    }

    [Fact]
    public async Task Topic_events_reach_on_topic_event_routed_retried_and_in_bulk()
    {
        using var dapr = DaprGrpc.Client(_http, _grpc);
        var marker = Guid.NewGuid().ToString("N");
        await dapr.PublishEventAsync("pubsub", "grpc-orders", new { marker });
        await dapr.PublishEventAsync("pubsub", "grpc-orders", new { marker = marker + "-retry", retry = true });

        var events = await ReceivedAsync(r => r["kind"]!.GetValue<string>() == "event" && r["data"]!.GetValue<string>().Contains(marker, StringComparison.Ordinal), count: 3);
        var first = Assert.Single(events, e => !e["data"]!.GetValue<string>().Contains("retry", StringComparison.Ordinal));
        Assert.Equal("grpc-orders", first["topic"]!.GetValue<string>());
        Assert.Equal("com.dapr.event.sent", first["type"]!.GetValue<string>());
        Assert.Equal(RuntimeProcesses.AppId, first["source"]!.GetValue<string>());
        Assert.Equal("application/json", first["contentType"]!.GetValue<string>());
        Assert.Equal($$"""{"marker":"{{marker}}"}""", first["data"]!.GetValue<string>());
        Assert.Equal("app-token", first["token"]!.GetValue<string>());
        // The RETRY answer brought the same event again.
        Assert.Equal(2, events.Count(e => e["data"]!.GetValue<string>().Contains("retry", StringComparison.Ordinal)));

        // The app saved the event with its own DaprClient (Dapr.AspNetCore, over the runtime's gRPC API).
        var saved = await dapr.GetStateAsync<JsonObject>("statestore", "grpc-app-" + first["id"]!.GetValue<string>());
        Assert.Equal(marker, saved["marker"]!.GetValue<string>());

        using (var special = await Http.PostAsync(new Uri(_http, "v1.0/publish/pubsub/grpc-routed"), new StringContent($$$"""{"specversion":"1.0","id":"{{{marker}}}-s","source":"test","type":"special","datacontenttype":"application/json","data":{"m":"{{{marker}}}"}}""", Encoding.UTF8, "application/cloudevents+json")))
        {
            Assert.Equal(HttpStatusCode.NoContent, special.StatusCode);
        }
        await dapr.PublishEventAsync("pubsub", "grpc-routed", new { m = marker });
        var routed = await ReceivedAsync(r => r["topic"]?.GetValue<string>() == "grpc-routed" && r["data"]!.GetValue<string>().Contains(marker, StringComparison.Ordinal), count: 2);
        Assert.Equal(["routed-default", "special"], routed.Select(r => r["path"]!.GetValue<string>()).Order(StringComparer.Ordinal));

        var bulk = await dapr.BulkPublishEventAsync("pubsub", "grpc-bulk", [new { n = marker + "-1" }, new { n = marker + "-2" }, new { n = marker + "-3" }]);
        Assert.Empty(bulk.FailedEntries);
        var entries = await ReceivedAsync(r => r["kind"]!.GetValue<string>() == "bulk" && r["data"]!.GetValue<string>().Contains(marker, StringComparison.Ordinal), count: 3);
        Assert.Equal(3, entries.Count);
    }

    [Fact]
    public async Task Input_bindings_the_app_lists_reach_on_binding_event_and_the_others_do_not()
    {
        // Two firings of tick, each with the cron binding's metadata and the app token; untick fires too, unheard.
        var ticks = await ReceivedAsync(r => r["kind"]!.GetValue<string>() == "binding", count: 2);

        Assert.True(ticks.Count >= 2, $"{ticks.Count} binding events arrived within 30 s");
        Assert.All(ticks, tick =>
        {
            Assert.Equal("tick", tick["name"]!.GetValue<string>());
            Assert.Equal("@every 1s", tick["schedule"]!.GetValue<string>());
            Assert.Equal("", tick["data"]!.GetValue<string>());
            Assert.Equal("app-token", tick["token"]!.GetValue<string>());
        });
    }

    [Fact]
    public async Task Jobs_fire_to_on_job_event()
    {
        var name = "grpc-app-job-" + Guid.NewGuid().ToString("N");
        using var schedule = await Http.PostAsync(new Uri(_http, $"v1.0-alpha1/jobs/{name}"), new StringContent("""{"dueTime":"1s","data":{"run":"grpc"}}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NoContent, schedule.StatusCode);

        var job = Assert.Single(await ReceivedAsync(r => r["kind"]!.GetValue<string>() == "job" && r["name"]!.GetValue<string>() == name));
        Assert.Equal("job/" + name, job["method"]!.GetValue<string>());
        Assert.Equal("grpc", job["data"]!["run"]!.GetValue<string>());
    }
}
