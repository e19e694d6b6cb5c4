using System.Text.Json;
using System.Text.Json.Nodes;
using Dapr;
using Dapr.Client;
using Grpc.Core;
using Proto = Dapr.Client.Autogen.Grpc.v1;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// The unmodified Dapr .NET SDK (Dapr.Client 1.19, pinned in Directory.Packages.props) against the real server process
/// over the gRPC API: every call it makes over gRPC, with Dapr's status codes and rich error details (expected values
/// from Dapr's gRPC API: pkg/api/grpc, pkg/api/errors, pkg/messages; see shared/specs/cloud-runtimes-reference.md §3.3).
/// </summary>
[Collection(RuntimeGroup.Name)]
public sealed class DaprSdkGrpcTests(RuntimeProcesses runtime) : IDisposable
{
    private readonly DaprClient _dapr = DaprGrpc.Client(runtime.RuntimeEndpoint, runtime.RuntimeGrpcEndpoint);

    public void Dispose() => _dapr.Dispose();

    private static string Key(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task State_round_trips_and_a_stale_etag_is_refused_on_save_and_delete()
    {
        var key = Key("grpc-state");
        Assert.Null(await _dapr.GetStateAsync<Order>("statestore", key));
        var (missing, missingETag) = await _dapr.GetStateAndETagAsync<Order>("statestore", key);
        Assert.Null(missing);
        Assert.Equal("", missingETag);

        await _dapr.SaveStateAsync("statestore", key, new Order("widget", 3));
        var (saved, etag) = await _dapr.GetStateAndETagAsync<Order>("statestore", key);
        Assert.Equal(new Order("widget", 3), saved);
        Assert.False(string.IsNullOrEmpty(etag));
        // The HTTP API reads what the gRPC API wrote, byte for byte (the SDK sends System.Text.Json web JSON).
        Assert.Equal("""{"item":"widget","qty":3}""", await runtime.Http.GetStringAsync(new Uri(runtime.RuntimeEndpoint, $"v1.0/state/statestore/{key}")));

        Assert.False(await _dapr.TrySaveStateAsync("statestore", key, new Order("widget", 4), "not-" + etag));
        Assert.True(await _dapr.TrySaveStateAsync("statestore", key, new Order("widget", 5), etag));
        var (current, currentETag) = await _dapr.GetStateAndETagAsync<Order>("statestore", key);
        Assert.Equal(5, current.Qty);
        Assert.NotEqual(etag, currentETag);

        Assert.False(await _dapr.TryDeleteStateAsync("statestore", key, etag));
        Assert.True(await _dapr.TryDeleteStateAsync("statestore", key, currentETag));
        Assert.Null(await _dapr.GetStateAsync<Order>("statestore", key));
    }

    [Fact]
    public async Task Bulk_get_save_and_delete_answer_one_item_per_key()
    {
        var (a, b) = (Key("grpc-bulk"), Key("grpc-bulk"));
        await _dapr.SaveBulkStateAsync("statestore", [new SaveStateItem<Order>(a, new Order("a", 1), null!), new SaveStateItem<Order>(b, new Order("b", 2), null!)]);

        var items = await _dapr.GetBulkStateAsync("statestore", [a, b, a + "-none"], parallelism: null);
        Assert.Equal([a, b, a + "-none"], items.Select(i => i.Key));
        Assert.Equal("""{"item":"a","qty":1}""", items[0].Value);
        Assert.Equal("", items[2].Value);
        Assert.Equal("", items[2].ETag);

        await _dapr.DeleteBulkStateAsync("statestore", [new BulkDeleteStateItem(a, null!), new BulkDeleteStateItem(b, items[1].ETag)]);
        Assert.All(await _dapr.GetBulkStateAsync("statestore", [a, b], parallelism: null), item => Assert.Equal("", item.Value));
    }

    [Fact]
    public async Task A_transaction_applies_all_or_nothing_and_reports_a_conflict_as_internal_err_state_transaction()
    {
        var (kept, removed, added) = (Key("grpc-tx"), Key("grpc-tx"), Key("grpc-tx"));
        await _dapr.SaveStateAsync("statestore", kept, new Order("kept", 1));
        await _dapr.SaveStateAsync("statestore", removed, new Order("removed", 1));

        await _dapr.ExecuteStateTransactionAsync("statestore",
        [
            new StateTransactionRequest(removed, null, StateOperationType.Delete),
            new StateTransactionRequest(added, JsonSerializer.SerializeToUtf8Bytes(new Order("added", 2), JsonSerializerOptions.Web), StateOperationType.Upsert),
        ]);
        Assert.Null(await _dapr.GetStateAsync<Order>("statestore", removed));
        Assert.Equal(new Order("added", 2), await _dapr.GetStateAsync<Order>("statestore", added));

        var failed = await Assert.ThrowsAsync<DaprException>(() => _dapr.ExecuteStateTransactionAsync("statestore",
        [
            new StateTransactionRequest(added, null, StateOperationType.Delete),
            new StateTransactionRequest(kept, JsonSerializer.SerializeToUtf8Bytes(new Order("changed", 9), JsonSerializerOptions.Web), StateOperationType.Upsert, etag: "stale"),
        ]));
        var rpc = DaprGrpc.Rpc(failed);
        Assert.Equal(StatusCode.Internal, rpc.StatusCode);
        Assert.Equal("ERR_STATE_TRANSACTION", DaprGrpc.ErrorInfo(rpc).Reason);
        Assert.Equal(new Order("added", 2), await _dapr.GetStateAsync<Order>("statestore", added));
        Assert.Equal(new Order("kept", 1), await _dapr.GetStateAsync<Order>("statestore", kept));
    }

    [Fact]
    public async Task A_value_saved_with_a_ttl_expires()
    {
        var key = Key("grpc-ttl");
        await _dapr.SaveStateAsync("statestore", key, new Order("short-lived", 1), metadata: new Dictionary<string, string> { ["ttlInSeconds"] = "1" });
        Assert.Equal("short-lived", (await _dapr.GetStateAsync<Order>("statestore", key)).Item);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await _dapr.GetStateAsync<Order>("statestore", key) is not null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the value did not expire within 10 s of its 1 s TTL");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Query_filters_the_stored_json()
    {
        var item = Key("grpc-query");
        await _dapr.SaveStateAsync("statestore", item + "-1", new Order(item, 1));
        await _dapr.SaveStateAsync("statestore", item + "-2", new Order(item, 7));

        var response = await _dapr.QueryStateAsync<Order>("statestore", $$$"""{"filter":{"AND":[{"EQ":{"item":"{{{item}}}"}},{"GT":{"qty":5}}]}}""");

        var result = Assert.Single(response.Results);
        Assert.Equal(item + "-2", result.Key);
        Assert.Equal(new Order(item, 7), result.Data);
        Assert.False(string.IsNullOrEmpty(result.ETag));
    }

    [Fact]
    public async Task Errors_carry_daprs_status_and_error_info()
    {
        var unknown = DaprGrpc.Rpc(await Assert.ThrowsAsync<DaprException>(() => _dapr.GetStateAsync<Order>("nope", "k")));
        Assert.Equal(StatusCode.InvalidArgument, unknown.StatusCode);
        var info = DaprGrpc.ErrorInfo(unknown);
        Assert.Equal(("DAPR_STATE_NOT_FOUND", "dapr.io"), (info.Reason, info.Domain));

        var illegal = DaprGrpc.Rpc(await Assert.ThrowsAsync<DaprException>(() => _dapr.SaveStateAsync("statestore", "bad||key", 1)));
        Assert.Equal(StatusCode.InvalidArgument, illegal.StatusCode);
        Assert.Equal("DAPR_STATE_ILLEGAL_KEY", DaprGrpc.ErrorInfo(illegal).Reason);

        var pubsub = DaprGrpc.Rpc(await Assert.ThrowsAsync<DaprException>(() => _dapr.PublishEventAsync("nope", "orders", new Order("x", 1))));
        Assert.Equal(StatusCode.InvalidArgument, pubsub.StatusCode);
        Assert.Equal("DAPR_PUBSUB_NOT_FOUND", DaprGrpc.ErrorInfo(pubsub).Reason);

        var binding = DaprGrpc.Rpc(await Assert.ThrowsAsync<DaprException>(() => _dapr.InvokeBindingAsync("no-such-binding", "create", new Order("x", 1))));
        Assert.Equal(StatusCode.Internal, binding.StatusCode);
        Assert.Equal("ERR_INVOKE_OUTPUT_BINDING", DaprGrpc.ErrorInfo(binding).Reason);

        // A method of Dapr's service this server does not serve (workflows) is Unimplemented, as Dapr answers it.
        using var channel = DaprGrpc.Channel(runtime.RuntimeGrpcEndpoint);
        var workflow = await Assert.ThrowsAsync<RpcException>(() => DaprGrpc.Stub(channel).GetWorkflowBeta1Async(new Proto.GetWorkflowRequest { InstanceId = "w" }).ResponseAsync);
        Assert.Equal(StatusCode.Unimplemented, workflow.StatusCode);
    }

    [Fact]
    public async Task Published_and_bulk_published_events_reach_the_app_as_cloud_events()
    {
        var marker = Guid.NewGuid().ToString("N");
        await _dapr.PublishEventAsync("pubsub", "orders", new { marker });
        var bulk = await _dapr.BulkPublishEventAsync("pubsub", "orders", [new { marker = marker + "-1" }, new { marker = marker + "-2" }]);
        Assert.Empty(bulk.FailedEntries);

        foreach (var expected in new[] { marker, marker + "-1", marker + "-2" })
        {
            var events = await runtime.WaitForReceivedAsync(r => r["kind"]!.GetValue<string>() == "event" && r["body"]?["data"]?["marker"]?.GetValue<string>() == expected);
            var cloudEvent = Assert.Single(events)["body"]!;
            Assert.Equal(RuntimeProcesses.AppId, cloudEvent["source"]!.GetValue<string>());
            Assert.Equal("orders", cloudEvent["topic"]!.GetValue<string>());
            Assert.Equal("application/json", cloudEvent["datacontenttype"]!.GetValue<string>());
        }

        // Entry ids must be unique (Dapr: InvalidArgument); nothing of such a request is published.
        using var channel = DaprGrpc.Channel(runtime.RuntimeGrpcEndpoint);
        var duplicate = new Proto.BulkPublishRequest { PubsubName = "pubsub", Topic = "orders" };
        duplicate.Entries.Add(new Proto.BulkPublishRequestEntry { EntryId = "1", Event = Google.Protobuf.ByteString.CopyFromUtf8($$"""{"marker":"{{marker}}-dup"}"""), ContentType = "application/json" });
        duplicate.Entries.Add(duplicate.Entries[0].Clone());
        var refused = await Assert.ThrowsAsync<RpcException>(() => DaprGrpc.Stub(channel).BulkPublishEventAsync(duplicate).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
    }

    [Fact]
    public async Task Secrets_configuration_and_metadata_answer_in_daprs_shapes()
    {
        Assert.Equal(new Dictionary<string, string> { [RuntimeProcesses.SecretName] = RuntimeProcesses.SecretValue }, await _dapr.GetSecretAsync("secretstore", RuntimeProcesses.SecretName));
        var bulk = await _dapr.GetBulkSecretAsync("secretstore");
        Assert.Equal(RuntimeProcesses.SecretValue, bulk[RuntimeProcesses.SecretName][RuntimeProcesses.SecretName]);

        var configuration = await _dapr.GetConfiguration("config", ["checkout-banner", "not-a-variable"]);
        Assert.Equal("Secure checkout", Assert.Single(configuration.Items).Value.Value);
        var premium = await _dapr.GetConfiguration("config", ["checkout-banner"], new Dictionary<string, string> { ["context.user.tier"] = "premium" });
        Assert.StartsWith("Welcome back! Premium members", premium.Items["checkout-banner"].Value, StringComparison.Ordinal);

        var attribute = Key("grpc-attribute");
        await _dapr.SetMetadataAsync(attribute, "set-over-grpc");
        var metadata = await _dapr.GetMetadataAsync();
        Assert.Equal(RuntimeProcesses.AppId, metadata.Id);
        Assert.Contains(metadata.Components, c => c.Name == "statestore" && c.Type == "state.sqlite" && c.Capabilities.Contains("ETAG"));
        Assert.Equal("set-over-grpc", metadata.Extended[attribute]);
        // One metadata store behind both transports; the HTTP document lists the ports.
        var http = JsonNode.Parse(await runtime.Http.GetStringAsync(new Uri(runtime.RuntimeEndpoint, "v1.0/metadata")))!;
        Assert.Equal("set-over-grpc", http["extended"]![attribute]!.GetValue<string>());
        Assert.Equal(runtime.RuntimeGrpcEndpoint.Port, http["runtimePorts"]!["grpc"]!.GetValue<int>());
        Assert.Equal(runtime.RuntimeEndpoint.Port, http["runtimePorts"]!["http"]!.GetValue<int>());
    }

#pragma warning disable DAPR_DISTRIBUTEDLOCK // The SDK marks its lock API experimental; it is what this test checks.
    [Fact]
    public async Task Locks_are_exclusive_and_unlock_reports_daprs_statuses()
    {
        var resource = Key("grpc-lock");
        Assert.True((await _dapr.Lock("lockstore", resource, "owner-a", 60)).Success);
        Assert.False((await _dapr.Lock("lockstore", resource, "owner-b", 60)).Success);
        Assert.False((await _dapr.Lock("lockstore", resource, "owner-a", 60)).Success);

        Assert.Equal(LockStatus.LockBelongsToOthers, (await _dapr.Unlock("lockstore", resource, "owner-b")).status);
        Assert.Equal(LockStatus.Success, (await _dapr.Unlock("lockstore", resource, "owner-a")).status);
        Assert.Equal(LockStatus.LockDoesNotExist, (await _dapr.Unlock("lockstore", resource, "owner-a")).status);
        Assert.True((await _dapr.Lock("lockstore", resource, "owner-b", 60)).Success);

        // The SDK checks the expiry itself; the server refuses it too (InvalidArgument).
        using var channel = DaprGrpc.Channel(runtime.RuntimeGrpcEndpoint);
        var refused = await Assert.ThrowsAsync<RpcException>(() => DaprGrpc.Stub(channel).TryLockAlpha1Async(new Proto.TryLockRequest { StoreName = "lockstore", ResourceId = resource, LockOwner = "c", ExpiryInSeconds = 0 }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
    }
#pragma warning restore DAPR_DISTRIBUTEDLOCK

    [Fact]
    public async Task Jobs_are_scheduled_read_fired_to_the_app_and_deleted()
    {
        using var channel = DaprGrpc.Channel(runtime.RuntimeGrpcEndpoint);
        var dapr = DaprGrpc.Stub(channel);
        var name = Key("grpc-job");
        var data = Google.Protobuf.WellKnownTypes.Value.Parser.ParseJson("""{"run":"from-grpc"}""");
        await dapr.ScheduleJobAsync(new Proto.ScheduleJobRequest { Job = new Proto.Job { Name = name, DueTime = "4s", Data = Google.Protobuf.WellKnownTypes.Any.Pack(data) } });

        var job = (await dapr.GetJobAsync(new Proto.GetJobRequest { Name = name })).Job;
        Assert.Equal(name, job.Name);
        Assert.Equal(data, job.Data.Unpack<Google.Protobuf.WellKnownTypes.Value>());
        // The HTTP API shows the same job, its data as JSON.
        var http = JsonNode.Parse(await runtime.Http.GetStringAsync(new Uri(runtime.RuntimeEndpoint, $"v1.0-alpha1/jobs/{name}")))!;
        Assert.Equal("from-grpc", http["data"]!["run"]!.GetValue<string>());

        var fired = await runtime.WaitForReceivedAsync(r => r["path"]!.GetValue<string>() == "/job/" + name);
        Assert.Equal("from-grpc", Assert.Single(fired)["body"]!["run"]!.GetValue<string>());

        await dapr.DeleteJobAsync(new Proto.DeleteJobRequest { Name = name });
        var missing = await Assert.ThrowsAsync<RpcException>(() => dapr.GetJobAsync(new Proto.GetJobRequest { Name = name }).ResponseAsync);
        Assert.Equal(StatusCode.Internal, missing.StatusCode);
        Assert.Equal("DAPR_SCHEDULER_GET_JOB", DaprGrpc.ErrorInfo(missing).Reason);
    }

    [Fact]
    public async Task Invoke_service_calls_an_http_app_with_the_verb_and_query_and_maps_its_status()
    {
        using var channel = DaprGrpc.Channel(runtime.RuntimeGrpcEndpoint);
        var dapr = DaprGrpc.Stub(channel);
        Proto.InvokeServiceRequest Request(string method, Proto.HTTPExtension? extension) => new()
        {
            Id = RuntimeProcesses.AppId,
            Message = new Proto.InvokeRequest
            {
                Method = method,
                ContentType = "application/json",
                Data = new Google.Protobuf.WellKnownTypes.Any { Value = Google.Protobuf.ByteString.CopyFromUtf8("""{"n":1}""") },
                HttpExtension = extension,
            },
        };

        using var call = dapr.InvokeServiceAsync(Request("echo/grpc", new Proto.HTTPExtension { Verb = Proto.HTTPExtension.Types.Verb.Put, Querystring = "a=1" }));
        var echoed = JsonNode.Parse((await call.ResponseAsync).Data.Value.ToStringUtf8())!;
        Assert.Equal("PUT", echoed["method"]!.GetValue<string>());
        Assert.Equal("/echo/grpc", echoed["path"]!.GetValue<string>());
        Assert.Equal("?a=1", echoed["query"]!.GetValue<string>());
        Assert.Equal(1, echoed["body"]!["n"]!.GetValue<int>());
        Assert.Equal("200", (await call.ResponseHeadersAsync).GetValue("dapr-http-status"));

        // Dapr's mapping of the app's HTTP status (404 = NotFound) with the status in the ErrorInfo.
        var notFound = await Assert.ThrowsAsync<RpcException>(() => dapr.InvokeServiceAsync(Request("echo/missing", new Proto.HTTPExtension { Verb = Proto.HTTPExtension.Types.Verb.Get, Querystring = "status=404" })).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, notFound.StatusCode);
        var info = DaprGrpc.ErrorInfo(notFound);
        Assert.Equal(("Not Found", "404"), (info.Reason, info.Metadata["http.code"]));

        // An HTTP app needs the verb (Dapr: "missing HTTP extension field").
        var noVerb = await Assert.ThrowsAsync<RpcException>(() => dapr.InvokeServiceAsync(Request("echo/x", null)).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, noVerb.StatusCode);
        var unknownApp = await Assert.ThrowsAsync<RpcException>(() => dapr.InvokeServiceAsync(new Proto.InvokeServiceRequest { Id = "nobody", Message = new Proto.InvokeRequest { Method = "x" } }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknownApp.StatusCode);
    }

    private sealed record Order(string Item, int Qty);
}
