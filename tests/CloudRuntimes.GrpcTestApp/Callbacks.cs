using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapr.AppCallback.Autogen.Grpc.v1;
using Dapr.Client;
using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace CloudRuntimes.GrpcTestApp;

/// <summary>What the app received, in order, as JSON objects.</summary>
internal sealed class Received
{
    public ConcurrentQueue<JsonObject> Items { get; } = new();

    public ConcurrentDictionary<string, int> Attempts { get; } = new();
}

/// <summary>The app's <c>AppCallback</c>: the test's expectations are written against these answers.</summary>
internal sealed class Callbacks(Received received, DaprClient dapr) : AppCallback.AppCallbackBase
{
    public override Task<InvokeResponse> OnInvoke(InvokeRequest request, ServerCallContext context)
    {
        switch (request.Method)
        {
            case "received":
                var all = new JsonArray([.. received.Items.Select(i => (JsonNode)i.DeepClone())]);
                return Task.FromResult(new InvokeResponse { Data = new Any { Value = ByteString.CopyFromUtf8(all.ToJsonString()) }, ContentType = "application/json" });
            case "fail":
                throw new RpcException(new Status(StatusCode.FailedPrecondition, "failing on purpose"));
            default:
                received.Items.Enqueue(new JsonObject
                {
                    ["kind"] = "invoke",
                    ["method"] = request.Method,
                    ["verb"] = request.HttpExtension?.Verb.ToString(),
                    ["query"] = request.HttpExtension?.Querystring,
                    ["contentType"] = request.ContentType,
                    ["token"] = context.RequestHeaders.GetValue("dapr-api-token"),
                });
                // Echo: the same data (type URL included) and content type.
                return Task.FromResult(new InvokeResponse { Data = request.Data, ContentType = request.ContentType });
        }
    }

    public override Task<ListTopicSubscriptionsResponse> ListTopicSubscriptions(Empty request, ServerCallContext context)
    {
        var response = new ListTopicSubscriptionsResponse();
        response.Subscriptions.Add(new TopicSubscription { PubsubName = "pubsub", Topic = "grpc-orders" });
        response.Subscriptions.Add(new TopicSubscription
        {
            PubsubName = "pubsub",
            Topic = "grpc-routed",
            Routes = new TopicRoutes { Rules = { new TopicRule { Match = "event.type == \"special\"", Path = "special" } }, Default = "routed-default" },
        });
        response.Subscriptions.Add(new TopicSubscription
        {
            PubsubName = "pubsub",
            Topic = "grpc-bulk",
            BulkSubscribe = new BulkSubscribeConfig { Enabled = true, MaxMessagesCount = 10, MaxAwaitDurationMs = 200 },
        });
        return Task.FromResult(response);
    }

    public override async Task<TopicEventResponse> OnTopicEvent(TopicEventRequest request, ServerCallContext context)
    {
        var data = request.Data.ToStringUtf8();
        received.Items.Enqueue(new JsonObject
        {
            ["kind"] = "event",
            ["id"] = request.Id,
            ["topic"] = request.Topic,
            ["path"] = request.Path,
            ["type"] = request.Type,
            ["source"] = request.Source,
            ["contentType"] = request.DataContentType,
            ["data"] = data,
            ["token"] = context.RequestHeaders.GetValue("dapr-api-token"),
        });
        // RETRY the first delivery of an event whose data says {"retry": true}.
        if (JsonNode.Parse(data)?["retry"]?.GetValue<bool>() == true && received.Attempts.AddOrUpdate(request.Id, 1, (_, n) => n + 1) == 1)
        {
            return new TopicEventResponse { Status = TopicEventResponse.Types.TopicEventResponseStatus.Retry };
        }
        if (request.Topic == "grpc-orders")
        {
            await dapr.SaveStateAsync("statestore", "grpc-app-" + request.Id, JsonNode.Parse(data), cancellationToken: context.CancellationToken);
        }
        return new TopicEventResponse { Status = TopicEventResponse.Types.TopicEventResponseStatus.Success };
    }

    public override Task<TopicEventBulkResponse> OnBulkTopicEvent(TopicEventBulkRequest request, ServerCallContext context)
    {
        var response = new TopicEventBulkResponse();
        foreach (var entry in request.Entries)
        {
            received.Items.Enqueue(new JsonObject
            {
                ["kind"] = "bulk",
                ["request"] = request.Id,
                ["entryId"] = entry.EntryId,
                ["topic"] = request.Topic,
                ["data"] = entry.CloudEvent?.Data.ToStringUtf8(),
            });
            response.Statuses.Add(new TopicEventBulkResponseEntry { EntryId = entry.EntryId, Status = TopicEventResponse.Types.TopicEventResponseStatus.Success });
        }
        return Task.FromResult(response);
    }

    /// <summary>The app wants the input binding <c>tick</c> only (the runtime also has <c>untick</c>).</summary>
    public override Task<ListInputBindingsResponse> ListInputBindings(Empty request, ServerCallContext context) =>
        Task.FromResult(new ListInputBindingsResponse { Bindings = { "tick" } });

    public override Task<BindingEventResponse> OnBindingEvent(BindingEventRequest request, ServerCallContext context)
    {
        received.Items.Enqueue(new JsonObject
        {
            ["kind"] = "binding",
            ["name"] = request.Name,
            ["data"] = request.Data.ToStringUtf8(),
            ["schedule"] = request.Metadata.GetValueOrDefault("schedule"),
            ["token"] = context.RequestHeaders.GetValue("dapr-api-token"),
        });
        return Task.FromResult(new BindingEventResponse());
    }

    public override Task<JobEventResponse> OnJobEvent(JobEventRequest request, ServerCallContext context)
    {
        received.Items.Enqueue(new JsonObject
        {
            ["kind"] = "job",
            ["name"] = request.Name,
            ["method"] = request.Method,
            ["data"] = JsonNode.Parse(JsonFormatter.Default.Format(request.Data.Unpack<Value>())),
        });
        return Task.FromResult(new JobEventResponse());
    }
}

/// <summary>The app's gRPC health check (Dapr's <c>AppCallbackHealthCheck</c>).</summary>
internal sealed class Health : AppCallbackHealthCheck.AppCallbackHealthCheckBase
{
    public override Task<HealthCheckResponse> HealthCheck(Empty request, ServerCallContext context) => Task.FromResult(new HealthCheckResponse());
}
