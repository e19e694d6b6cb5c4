using CloudRuntimes.Host.Blocks;
using CloudRuntimes.State;
using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Proto = Dapr.Client.Autogen.Grpc.v1;

namespace CloudRuntimes.Host.GrpcApi;

/// <summary>State: get (a missing key is OK with no data and no ETag), bulk get, save, delete, bulk delete, transaction, query.</summary>
internal sealed partial class DaprApi
{
    private static readonly Empty Done = new();

    private static void BindState(ServiceMethodProviderContext<DaprApi> binder)
    {
        Unary<Proto.GetStateRequest, Proto.GetStateResponse>(binder, "GetState", (api, request, context) => api.GetState(request, context));
        Unary<Proto.GetBulkStateRequest, Proto.GetBulkStateResponse>(binder, "GetBulkState", (api, request, context) => api.GetBulkState(request, context));
        Unary<Proto.SaveStateRequest, Empty>(binder, "SaveState", (api, request, context) => api.SaveState(request, context));
        Unary<Proto.DeleteStateRequest, Empty>(binder, "DeleteState", (api, request, context) => api.DeleteState(request, context));
        Unary<Proto.DeleteBulkStateRequest, Empty>(binder, "DeleteBulkState", (api, request, context) => api.DeleteBulkState(request, context));
        Unary<Proto.ExecuteStateTransactionRequest, Empty>(binder, "ExecuteStateTransaction", (api, request, context) => api.ExecuteStateTransaction(request, context));
        Unary<Proto.QueryStateRequest, Proto.QueryStateResponse>(binder, "QueryStateAlpha1", (api, request, context) => api.QueryStateAlpha1(request, context));
    }

    /// <summary>Dapr <c>GetState</c>.</summary>
    public async Task<Proto.GetStateResponse> GetState(Proto.GetStateRequest request, ServerCallContext context)
    {
        var item = await state.GetAsync(request.StoreName, request.Key, new GetStateOptions(Consistency(request.Consistency), Checked(request.Metadata, "metadata")), context.CancellationToken);
        var response = new Proto.GetStateResponse();
        if (item is not null)
        {
            response.Data = Bytes(item.Value);
            response.Etag = item.ETag;
            response.Metadata.Add(item.Metadata);
        }
        return response;
    }

    /// <summary>Dapr <c>GetBulkState</c>: one item per key, missing keys without data.</summary>
    public async Task<Proto.GetBulkStateResponse> GetBulkState(Proto.GetBulkStateRequest request, ServerCallContext context)
    {
        var response = new Proto.GetBulkStateResponse();
        foreach (var item in await state.GetBulkAsync(request.StoreName, request.Keys, Checked(request.Metadata, "metadata"), context.CancellationToken))
        {
            var entry = new Proto.BulkStateItem { Key = item.Key, Etag = item.ETag ?? "", Error = item.Error ?? "" };
            if (item.Value is { } value)
            {
                entry.Data = Bytes(value);
            }
            if (item.Metadata is { } itemMetadata)
            {
                entry.Metadata.Add(itemMetadata);
            }
            response.Items.Add(entry);
        }
        return response;
    }

    /// <summary>Dapr <c>SaveState</c>: values are stored as sent; an ETag mismatch is Aborted.</summary>
    public async Task<Empty> SaveState(Proto.SaveStateRequest request, ServerCallContext context)
    {
        await state.SaveAsync(request.StoreName, [.. request.States.Select((item, i) => new SaveStateItem(item.Key, item.Value.Memory, item.Etag?.Value, Concurrency(item.Options), Consistency(item.Options?.Consistency), Checked(item.Metadata, $"states[{i}].metadata")))], context.CancellationToken);
        return Done;
    }

    /// <summary>Dapr <c>DeleteState</c>: an ETag mismatch is Aborted.</summary>
    public async Task<Empty> DeleteState(Proto.DeleteStateRequest request, ServerCallContext context)
    {
        await state.DeleteAsync(request.StoreName, [new DeleteStateItem(request.Key, request.Etag?.Value, Concurrency(request.Options), Checked(request.Metadata, "metadata"))], context.CancellationToken);
        return Done;
    }

    /// <summary>Dapr <c>DeleteBulkState</c>: not atomic; an ETag mismatch is Aborted <c>ERR_STATE_BULK_DELETE</c>, the other keys deleted.</summary>
    public async Task<Empty> DeleteBulkState(Proto.DeleteBulkStateRequest request, ServerCallContext context)
    {
        await state.DeleteAsync(request.StoreName, [.. request.States.Select((item, i) => new DeleteStateItem(item.Key, item.Etag?.Value, Concurrency(item.Options), Checked(item.Metadata, $"states[{i}].metadata")))], context.CancellationToken, CloudRuntimesErrors.StateBulkDeleteConflict);
        return Done;
    }

    /// <summary>Dapr <c>ExecuteStateTransaction</c>: <c>upsert</c> and <c>delete</c> operations, all or nothing.</summary>
    public async Task<Empty> ExecuteStateTransaction(Proto.ExecuteStateTransactionRequest request, ServerCallContext context)
    {
        var metadata = Checked(request.Metadata, "metadata");
        var operations = request.Operations.Select((operation, i) => operation.Request is not { } item
            ? new TransactionInput(operation.OperationType, null, default, null, default, default, metadata)
            : new TransactionInput(operation.OperationType, item.Key, item.Value.Memory, item.Etag?.Value, Concurrency(item.Options), Consistency(item.Options?.Consistency), Api.RequestMetadata.Merge(metadata, Checked(item.Metadata, $"operations[{i}].request.metadata"))));
        await state.ExecuteTransactionAsync(request.StoreName, [.. operations], metadata, context.CancellationToken);
        return Done;
    }

    /// <summary>Dapr <c>QueryStateAlpha1</c>: the query is the JSON document of the HTTP API.</summary>
    public async Task<Proto.QueryStateResponse> QueryStateAlpha1(Proto.QueryStateRequest request, ServerCallContext context)
    {
        var result = await state.QueryAsync(request.StoreName, System.Text.Encoding.UTF8.GetBytes(request.Query), context.CancellationToken);
        var response = new Proto.QueryStateResponse { Token = result.Token ?? "" };
        response.Results.Add(result.Results.Select(r => new Proto.QueryStateItem { Key = r.Key, Data = Bytes(r.Data), Etag = r.ETag }));
        return response;
    }

    private static StateConcurrency Concurrency(Proto.StateOptions? options) =>
        options?.Concurrency == Proto.StateOptions.Types.StateConcurrency.ConcurrencyFirstWrite ? StateConcurrency.FirstWrite : StateConcurrency.LastWrite;

    private static StateConsistency Consistency(Proto.StateOptions.Types.StateConsistency? consistency) =>
        consistency == Proto.StateOptions.Types.StateConsistency.ConsistencyStrong ? StateConsistency.Strong : StateConsistency.Eventual;
}
