using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Proto = Dapr.Client.Autogen.Grpc.v1;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// Bounds on what a gRPC message may carry beyond its size (docs/security.md), against the real server process with
/// hostile messages: a metadata map over 16,384 characters of keys and values, the request's or an item's, is
/// InvalidArgument <c>ERR_MALFORMED_REQUEST</c> naming the field, and nothing is stored, published or subscribed (a map
/// at the bound is served; the HTTP API checks its body's maps the same way); configuration keys over 16,384 characters
/// together are refused naming <c>keys</c>; a job name over 1,024 characters is InvalidArgument <c>ERR_JOB_INVALID</c>
/// and no job is kept; a topic over 1,024 characters is refused naming the field. HTTP carries the keys the job name and the topic in its request line (8 KiB in Kestrel).
/// </summary>
[Collection(RuntimeGroup.Name)]
public sealed class GrpcRequestLimitTests(RuntimeProcesses runtime) : IDisposable
{
    private readonly GrpcChannel _channel = DaprGrpc.Channel(runtime.RuntimeGrpcEndpoint);

    /// <summary>The bound as docs/security.md states it.</summary>
    private const int Limit = 16_384;

    /// <summary>One entry whose key ("m") and value hold <paramref name="characters"/> characters together.</summary>
    private static Dictionary<string, string> MetadataOf(int characters) => new() { ["m"] = new string('v', characters - 1) };

    [Fact]
    public async Task Save_state_with_an_item_metadata_over_the_bound_is_invalid_argument_and_stores_no_item()
    {
        var (kept, refusedKey) = (Key("save-kept"), Key("save-refused"));
        var save = new Proto.SaveStateRequest { StoreName = "statestore" };
        save.States.Add(new Proto.StateItem { Key = kept, Value = ByteString.CopyFromUtf8("1"), Metadata = { MetadataOf(Limit) } });
        save.States.Add(new Proto.StateItem { Key = refusedKey, Value = ByteString.CopyFromUtf8("2"), Metadata = { MetadataOf(Limit + 1) } });

        await AssertRefusedAsync(dapr => dapr.SaveStateAsync(save).ResponseAsync, "states[1].metadata");

        Assert.Empty(await ReadAsync(kept));
        Assert.Empty(await ReadAsync(refusedKey));
        save.States.RemoveAt(1);
        await Stub().SaveStateAsync(save);
        Assert.Equal("1", await ReadAsync(kept));
    }

    [Fact]
    public async Task A_transaction_with_request_or_operation_metadata_over_the_bound_applies_nothing()
    {
        var key = Key("transaction");
        var byRequest = Transaction(key, operationMetadata: MetadataOf(10));
        byRequest.Metadata.Add(MetadataOf(Limit + 1));
        await AssertRefusedAsync(dapr => dapr.ExecuteStateTransactionAsync(byRequest).ResponseAsync, "metadata");

        var byOperation = Transaction(key, operationMetadata: MetadataOf(Limit + 1));
        await AssertRefusedAsync(dapr => dapr.ExecuteStateTransactionAsync(byOperation).ResponseAsync, "operations[1].request.metadata");

        Assert.Empty(await ReadAsync(key));
        Assert.Empty(await ReadAsync(key + "-first"));
    }

    [Fact]
    public async Task State_secret_and_configuration_requests_with_metadata_over_the_bound_are_invalid_argument()
    {
        var get = new Proto.GetStateRequest { StoreName = "statestore", Key = Key("get"), Metadata = { MetadataOf(Limit + 1) } };
        await AssertRefusedAsync(dapr => dapr.GetStateAsync(get).ResponseAsync, "metadata");
        var bulk = new Proto.GetBulkStateRequest { StoreName = "statestore", Keys = { Key("bulk") }, Metadata = { MetadataOf(Limit + 1) } };
        await AssertRefusedAsync(dapr => dapr.GetBulkStateAsync(bulk).ResponseAsync, "metadata");
        var secret = new Proto.GetSecretRequest { StoreName = "secretstore", Key = "any", Metadata = { MetadataOf(Limit + 1) } };
        await AssertRefusedAsync(dapr => dapr.GetSecretAsync(secret).ResponseAsync, "metadata");
        var configuration = new Proto.GetConfigurationRequest { StoreName = "config", Metadata = { MetadataOf(Limit + 1) } };
        await AssertRefusedAsync(dapr => dapr.GetConfigurationAsync(configuration).ResponseAsync, "metadata");
        using var subscription = Stub().SubscribeConfiguration(new Proto.SubscribeConfigurationRequest { StoreName = "config", Metadata = { MetadataOf(Limit + 1) } });
        AssertNamesTheField(await Assert.ThrowsAsync<RpcException>(() => subscription.ResponseStream.MoveNext(CancellationToken.None)), "metadata");
    }

    [Fact]
    public async Task A_bulk_publish_with_entry_metadata_over_the_bound_publishes_no_entry()
    {
        var topic = Key("bulk-topic");
        var bulk = new Proto.BulkPublishRequest { PubsubName = "pubsub", Topic = topic };
        bulk.Entries.Add(new Proto.BulkPublishRequestEntry { EntryId = "0", Event = ByteString.CopyFromUtf8("\"refused-0\""), ContentType = "application/json", Metadata = { MetadataOf(Limit) } });
        bulk.Entries.Add(new Proto.BulkPublishRequestEntry { EntryId = "1", Event = ByteString.CopyFromUtf8("\"refused-1\""), ContentType = "application/json", Metadata = { MetadataOf(Limit + 1) } });

        await AssertRefusedAsync(dapr => dapr.BulkPublishEventAsync(bulk).ResponseAsync, "entries[1].metadata");

        // The topic's first message is the one published after the refusal.
        await Stub().PublishEventAsync(new Proto.PublishEventRequest { PubsubName = "pubsub", Topic = topic, Data = ByteString.CopyFromUtf8("after"), DataContentType = "text/plain" });
        Assert.Equal(["after"], await TopicStream.ReceiveAsync(runtime.RuntimeGrpcEndpoint, topic, 1));
    }

    [Fact]
    public async Task A_streaming_subscription_with_metadata_over_the_bound_is_refused_and_not_listed()
    {
        var topic = Key("stream-topic");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var stream = Stub().SubscribeTopicEventsAlpha1(cancellationToken: timeout.Token);
        await stream.RequestStream.WriteAsync(new Proto.SubscribeTopicEventsRequestAlpha1
        {
            InitialRequest = new Proto.SubscribeTopicEventsRequestInitialAlpha1 { PubsubName = "pubsub", Topic = topic, Metadata = { MetadataOf(Limit + 1) } },
        }, timeout.Token);

        var refused = await Assert.ThrowsAsync<RpcException>(() => stream.ResponseStream.MoveNext(timeout.Token));

        AssertNamesTheField(refused, "initial_request.metadata");
        var metadata = await Stub().GetMetadataAsync(new Proto.GetMetadataRequest());
        Assert.DoesNotContain(metadata.Subscriptions, s => s.Topic == topic);
    }

    [Fact]
    public async Task The_http_api_refuses_a_body_metadata_over_the_bound_the_same_way()
    {
        var key = Key("http");
        var body = new JsonArray(new JsonObject { ["key"] = key, ["value"] = 1, ["metadata"] = new JsonObject { ["m"] = new string('v', Limit) } });
        using var response = await runtime.Http.PostAsync(new Uri(runtime.RuntimeEndpoint, "v1.0/state/statestore"), new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("ERR_MALFORMED_REQUEST", error["errorCode"]!.GetValue<string>());
        Assert.StartsWith("[0].metadata: ", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(await ReadAsync(key));
    }

    [Fact]
    public async Task A_job_name_over_1024_characters_is_invalid_argument_and_no_job_is_kept()
    {
        var prefix = "name-limit-" + Guid.NewGuid().ToString("N");
        var longest = prefix + new string('n', 1024 - prefix.Length);
        var tooLong = longest + "n";

        var refused = await Assert.ThrowsAsync<RpcException>(() => Stub().ScheduleJobAsync(Schedule(tooLong)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal("DAPR_SCHEDULER_SCHEDULE_JOB", DaprGrpc.ErrorInfo(refused).Reason);
        Assert.StartsWith("job name is 1,025 characters long; a job name may have at most 1,024", refused.Status.Detail, StringComparison.Ordinal);
        var missing = await Assert.ThrowsAsync<RpcException>(() => Stub().GetJobAsync(new Proto.GetJobRequest { Name = tooLong }).ResponseAsync);
        Assert.Equal("DAPR_SCHEDULER_GET_JOB", DaprGrpc.ErrorInfo(missing).Reason);

        await Stub().ScheduleJobAsync(Schedule(longest));
        Assert.Equal(longest, (await Stub().GetJobAsync(new Proto.GetJobRequest { Name = longest })).Job.Name);
        await Stub().DeleteJobAsync(new Proto.DeleteJobRequest { Name = longest });
    }

    [Fact]
    public async Task Configuration_keys_over_16384_characters_together_are_invalid_argument()
    {
        // 17 keys of 1,000 characters: 17,000 together.
        var keys = Enumerable.Range(0, 17).Select(i => $"{i:D2}" + new string('k', 998)).ToArray();

        var get = await Assert.ThrowsAsync<RpcException>(() => Stub().GetConfigurationAsync(new Proto.GetConfigurationRequest { StoreName = "config", Keys = { keys } }).ResponseAsync);
        using var subscription = Stub().SubscribeConfiguration(new Proto.SubscribeConfigurationRequest { StoreName = "config", Keys = { keys } });
        var subscribe = await Assert.ThrowsAsync<RpcException>(() => subscription.ResponseStream.MoveNext(CancellationToken.None));

        foreach (var refused in new[] { get, subscribe })
        {
            Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
            Assert.Equal("ERR_MALFORMED_REQUEST", DaprGrpc.ErrorInfo(refused).Reason);
            Assert.Equal("keys: the 17 keys hold 17,000 characters; the keys of a configuration request may hold at most 16,384", refused.Status.Detail);
        }
        // 16 of them, 16,000 characters, are within the bound (unknown keys are left out of the answer).
        Assert.Empty((await Stub().GetConfigurationAsync(new Proto.GetConfigurationRequest { StoreName = "config", Keys = { keys[..16] } })).Items);
    }

    [Fact]
    public async Task A_topic_over_1024_characters_is_invalid_argument_for_publish_and_a_streaming_subscription()
    {
        var prefix = Key("topic");
        var longest = prefix + new string('t', 1024 - prefix.Length);
        var tooLong = longest + "t";

        var publish = await Assert.ThrowsAsync<RpcException>(() => Stub().PublishEventAsync(Publish(tooLong, "refused")).ResponseAsync);
        AssertInvalid(publish, "topic is 1,025 characters long; a topic name may have at most 1,024");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var stream = Stub().SubscribeTopicEventsAlpha1(cancellationToken: timeout.Token);
        await stream.RequestStream.WriteAsync(new Proto.SubscribeTopicEventsRequestAlpha1
        {
            InitialRequest = new Proto.SubscribeTopicEventsRequestInitialAlpha1 { PubsubName = "pubsub", Topic = longest, DeadLetterTopic = tooLong },
        }, timeout.Token);
        var subscribe = await Assert.ThrowsAsync<RpcException>(() => stream.ResponseStream.MoveNext(timeout.Token));
        AssertInvalid(subscribe, "initial_request.dead_letter_topic is 1,025 characters long; a topic name may have at most 1,024");
        Assert.DoesNotContain((await Stub().GetMetadataAsync(new Proto.GetMetadataRequest())).Subscriptions, s => s.Topic == longest);

        await Stub().PublishEventAsync(Publish(longest, "at the bound"));
        Assert.Equal(["at the bound"], await TopicStream.ReceiveAsync(runtime.RuntimeGrpcEndpoint, longest, 1));
    }

    private static Proto.PublishEventRequest Publish(string topic, string data) =>
        new() { PubsubName = "pubsub", Topic = topic, Data = ByteString.CopyFromUtf8(data), DataContentType = "text/plain" };

    private static string Key(string name) => $"md-limit-{name}-{Guid.NewGuid():N}";

    private Proto.Dapr.DaprClient Stub() => DaprGrpc.Stub(_channel);

    private static Proto.ScheduleJobRequest Schedule(string name) =>
        new() { Job = new Proto.Job { Name = name, Schedule = "@every 1h" } };

    public void Dispose() => _channel.Dispose();

    /// <summary>An upsert of <c>{key}-first</c> without metadata, then one of <paramref name="key"/> with <paramref name="operationMetadata"/>.</summary>
    private static Proto.ExecuteStateTransactionRequest Transaction(string key, Dictionary<string, string> operationMetadata)
    {
        var transaction = new Proto.ExecuteStateTransactionRequest { StoreName = "statestore" };
        transaction.Operations.Add(new Proto.TransactionalStateOperation { OperationType = "upsert", Request = new Proto.StateItem { Key = key + "-first", Value = ByteString.CopyFromUtf8("1") } });
        transaction.Operations.Add(new Proto.TransactionalStateOperation { OperationType = "upsert", Request = new Proto.StateItem { Key = key, Value = ByteString.CopyFromUtf8("2"), Metadata = { operationMetadata } } });
        return transaction;
    }

    private async Task<string> ReadAsync(string key) =>
        (await Stub().GetStateAsync(new Proto.GetStateRequest { StoreName = "statestore", Key = key })).Data.ToStringUtf8();

    private async Task AssertRefusedAsync(Func<Proto.Dapr.DaprClient, Task> call, string field) =>
        AssertNamesTheField(await Assert.ThrowsAsync<RpcException>(() => call(Stub())), field);

    private static void AssertNamesTheField(RpcException refused, string field) =>
        AssertInvalid(refused, $"{field}: the metadata holds 16,385 characters of keys and values; a metadata map may hold at most 16,384");

    private static void AssertInvalid(RpcException refused, string message)
    {
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal("ERR_MALFORMED_REQUEST", DaprGrpc.ErrorInfo(refused).Reason);
        Assert.Equal(message, refused.Status.Detail);
    }
}
