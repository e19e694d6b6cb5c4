using CloudRuntimes.Host.Blocks;
using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Proto = Dapr.Client.Autogen.Grpc.v1;

namespace CloudRuntimes.Host.GrpcApi;

/// <summary>Publish, bulk publish (failed entries in the answer, status OK) and streaming subscriptions.</summary>
internal sealed partial class DaprApi
{
    private static void BindPubSub(ServiceMethodProviderContext<DaprApi> binder)
    {
        Unary<Proto.PublishEventRequest, Empty>(binder, "PublishEvent", (api, request, context) => api.PublishEvent(request, context));
        Unary<Proto.BulkPublishRequest, Proto.BulkPublishResponse>(binder, "BulkPublishEvent", (api, request, context) => api.BulkPublishEvent(request, context));
        Unary<Proto.BulkPublishRequest, Proto.BulkPublishResponse>(binder, "BulkPublishEventAlpha1", (api, request, context) => api.BulkPublishEvent(request, context));
        DuplexStreaming<Proto.SubscribeTopicEventsRequestAlpha1, Proto.SubscribeTopicEventsResponseAlpha1>(binder, "SubscribeTopicEventsAlpha1", (api, requests, responses, context) => api.SubscribeTopicEventsAlpha1(requests, responses, context));
    }

    /// <summary>Dapr <c>PublishEvent</c>: the data in a CloudEvent (content type <c>text/plain</c> unless given) unless <c>rawPayload</c>.</summary>
    public async Task<Empty> PublishEvent(Proto.PublishEventRequest request, ServerCallContext context)
    {
        var contentType = string.IsNullOrEmpty(request.DataContentType) ? "text/plain" : request.DataContentType;
        await pubsub.PublishAsync(request.PubsubName, request.Topic, request.Data.Memory, contentType, Checked(request.Metadata, "metadata"), context.CancellationToken);
        return Done;
    }

    /// <summary>Dapr <c>BulkPublishEvent</c>: entries failed by the component are listed in the answer (status OK).</summary>
    public async Task<Proto.BulkPublishResponse> BulkPublishEvent(Proto.BulkPublishRequest request, ServerCallContext context)
    {
        var metadata = Checked(request.Metadata, "metadata");
        var entries = request.Entries.Select((entry, i) => new BulkPublishInput(
            entry.EntryId,
            entry.Event.Memory,
            string.IsNullOrEmpty(entry.ContentType) ? "application/json" : entry.ContentType,
            Api.RequestMetadata.Merge(metadata, Checked(entry.Metadata, $"entries[{i}].metadata"))));
        var failures = await pubsub.PublishBulkAsync(request.PubsubName, request.Topic, [.. entries], context.CancellationToken);
        var response = new Proto.BulkPublishResponse();
        response.FailedEntries.Add(failures.Select(f => new Proto.BulkPublishResponseFailedEntry { EntryId = f.EntryId, Error = f.Error }));
        return response;
    }

    /// <summary>Dapr <c>SubscribeTopicEventsAlpha1</c>: a subscription without an app port (<see cref="TopicEventStreams"/>).</summary>
    public Task SubscribeTopicEventsAlpha1(IAsyncStreamReader<Proto.SubscribeTopicEventsRequestAlpha1> requests, IServerStreamWriter<Proto.SubscribeTopicEventsResponseAlpha1> responses, ServerCallContext context) =>
        topicStreams.RunAsync(requests, responses, context.CancellationToken);
}
