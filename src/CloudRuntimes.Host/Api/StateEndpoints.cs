using System.Text.Json;
using System.Text.Json.Nodes;
using CloudRuntimes.State;

namespace CloudRuntimes.Host.Api;

/// <summary>Dapr state API (<c>/v1.0/state/{store}</c>): save, get, bulk get, delete, transaction; and the query API (<c>/v1.0-alpha1/state/{store}/query</c>).</summary>
internal static class StateEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapMethods("/v1.0/state/{store}", ["POST", "PUT"], SaveAsync);
        routes.MapMethods("/v1.0/state/{store}/bulk", ["POST", "PUT"], GetBulkAsync);
        routes.MapMethods("/v1.0/state/{store}/transaction", ["POST", "PUT"], TransactionAsync);
        routes.MapMethods("/v1.0-alpha1/state/{store}/query", ["POST", "PUT"], QueryAsync);
        routes.MapGet("/v1.0/state/{store}/{**key}", GetAsync);
        routes.MapDelete("/v1.0/state/{store}/{**key}", DeleteAsync);
    }

    private static async Task<IResult> SaveAsync(string store, HttpRequest request, ICloudRuntimesComponents components, CancellationToken cancellationToken)
    {
        var stateStore = components.GetStateStore(store);
        var (items, error) = await ApiJson.ReadAsync<List<StateItemBody>>(request, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        var requestMetadata = RequestMetadata.From(request);
        var saves = new List<SaveStateItem>(items!.Count);
        foreach (var item in items)
        {
            if (string.IsNullOrEmpty(item.Key))
            {
                return ApiErrors.Malformed("\"key\" is a required field");
            }
            saves.Add(new SaveStateItem(item.Key, ApiJson.Bytes(item.Value), item.ETag, Concurrency(item.Options?.Concurrency), Consistency(item.Options?.Consistency), RequestMetadata.Merge(requestMetadata, item.Metadata)));
        }
        if (saves.Count > 0)
        {
            try
            {
                await stateStore.SaveAsync(saves, cancellationToken);
            }
            catch (CloudRuntimesException e) when (e.Error == CloudRuntimesErrors.StateETagMismatch)
            {
                // Dapr answers an ETag mismatch on save with 409 and ERR_STATE_SAVE.
                return ApiErrors.Result(CloudRuntimesErrors.StateSaveConflict, e.Message);
            }
        }
        return Results.NoContent();
    }

    private static async Task<IResult> GetAsync(string store, string key, HttpRequest request, HttpResponse response, ICloudRuntimesComponents components, CancellationToken cancellationToken)
    {
        var stateStore = components.GetStateStore(store);
        var options = new GetStateOptions(Consistency(request.Query["consistency"]), RequestMetadata.From(request));
        var item = await stateStore.GetAsync(key, options, cancellationToken);
        if (item is null)
        {
            return Results.NoContent();
        }
        response.Headers.ETag = item.ETag;
        RequestMetadata.WriteHeaders(response, item.Metadata);
        return Results.Bytes(item.Value.ToArray(), "application/json");
    }

    private static async Task<IResult> GetBulkAsync(string store, HttpRequest request, ICloudRuntimesComponents components, CancellationToken cancellationToken)
    {
        var stateStore = components.GetStateStore(store);
        var (body, error) = await ApiJson.ReadAsync<BulkGetBody>(request, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        var keys = body!.Keys ?? [];
        var results = new JsonArray();
        if (keys.Count > 0)
        {
            var metadata = RequestMetadata.Merge(RequestMetadata.From(request), body.Metadata);
            foreach (var item in await stateStore.GetBulkAsync(keys, new GetStateOptions(Metadata: metadata), cancellationToken))
            {
                var entry = new JsonObject { ["key"] = item.Key };
                if (item.Value is { } value)
                {
                    entry["data"] = ParseStored(value);
                    entry["etag"] = item.ETag;
                }
                if (item.Error is not null)
                {
                    entry["error"] = item.Error;
                }
                if (item.Metadata is { Count: > 0 } itemMetadata)
                {
                    entry["metadata"] = new JsonObject([.. itemMetadata.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)m.Value))]);
                }
                results.Add(entry);
            }
        }
        return Results.Json(results);
    }

    /// <summary>The query API (alpha): 200 <c>{"results": [{"key", "data", "etag"}], "token"?}</c>, 204 when nothing matches.</summary>
    private static async Task<IResult> QueryAsync(string store, HttpRequest request, ICloudRuntimesComponents components, CancellationToken cancellationToken)
    {
        if (components.GetStateStore(store) is not IQueryableStateStore queryable)
        {
            return ApiErrors.Result(CloudRuntimesErrors.StateQuery, $"state store {store} does not support the query API");
        }
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        var response = await queryable.QueryAsync(StateQuery.Parse(buffer.ToArray()), cancellationToken);
        if (response.Results.Count == 0)
        {
            return Results.NoContent();
        }
        var body = new JsonObject
        {
            ["results"] = new JsonArray([.. response.Results.Select(r => (JsonNode)new JsonObject { ["key"] = r.Key, ["data"] = ParseStored(r.Data), ["etag"] = r.ETag })]),
        };
        if (response.Token is { } token)
        {
            body["token"] = token;
        }
        return Results.Json(body);
    }

    private static async Task<IResult> DeleteAsync(string store, string key, HttpRequest request, ICloudRuntimesComponents components, CancellationToken cancellationToken)
    {
        var stateStore = components.GetStateStore(store);
        string? etag = request.Headers.IfMatch.Count > 0 ? request.Headers.IfMatch.ToString() : null;
        try
        {
            await stateStore.DeleteAsync([new DeleteStateItem(key, etag, Concurrency(request.Query["concurrency"]), RequestMetadata.From(request))], cancellationToken);
        }
        catch (CloudRuntimesException e) when (e.Error == CloudRuntimesErrors.StateETagMismatch)
        {
            return ApiErrors.Result(CloudRuntimesErrors.StateDeleteConflict, e.Message);
        }
        return Results.NoContent();
    }

    private static async Task<IResult> TransactionAsync(string store, HttpRequest request, ICloudRuntimesComponents components, CancellationToken cancellationToken)
    {
        var stateStore = components.GetStateStore(store);
        var (body, error) = await ApiJson.ReadAsync<TransactionBody>(request, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        var requestMetadata = RequestMetadata.Merge(RequestMetadata.From(request), body!.Metadata);
        var operations = new List<StateOperation>();
        foreach (var operation in body.Operations ?? [])
        {
            var item = operation.Request;
            if (item is null || string.IsNullOrEmpty(item.Key))
            {
                return ApiErrors.Malformed("transaction operation request must contain a key");
            }
            var metadata = RequestMetadata.Merge(requestMetadata, item.Metadata);
            switch (operation.Operation)
            {
                case "upsert":
                    operations.Add(StateOperation.ForUpsert(new SaveStateItem(item.Key, ApiJson.Bytes(item.Value), item.ETag, Concurrency(item.Options?.Concurrency), Consistency(item.Options?.Consistency), metadata)));
                    break;
                case "delete":
                    operations.Add(StateOperation.ForDelete(new DeleteStateItem(item.Key, item.ETag, Concurrency(item.Options?.Concurrency), metadata)));
                    break;
                default:
                    return ApiErrors.Result(CloudRuntimesErrors.StateOperationNotSupported, $"operation type {operation.Operation} not supported");
            }
        }
        if (operations.Count > 0)
        {
            try
            {
                await stateStore.ExecuteTransactionAsync(operations, requestMetadata, cancellationToken);
            }
            catch (CloudRuntimesException e) when (e.Error == CloudRuntimesErrors.StateETagMismatch)
            {
                return ApiErrors.Result(CloudRuntimesErrors.StateTransaction, e.Message);
            }
        }
        return Results.NoContent();
    }

    private static JsonNode? ParseStored(ReadOnlyMemory<byte> value)
    {
        try
        {
            return JsonNode.Parse(value.Span);
        }
        catch (JsonException)
        {
            return JsonValue.Create(System.Text.Encoding.UTF8.GetString(value.Span));
        }
    }

    private static StateConcurrency Concurrency(string? value) => value == "first-write" ? StateConcurrency.FirstWrite : StateConcurrency.LastWrite;

    private static StateConsistency Consistency(string? value) => value == "strong" ? StateConsistency.Strong : StateConsistency.Eventual;

    internal sealed record StateOptionsBody(string? Concurrency, string? Consistency);

    internal sealed record StateItemBody(string? Key, JsonElement? Value, [property: System.Text.Json.Serialization.JsonPropertyName("etag")] string? ETag, Dictionary<string, string>? Metadata, StateOptionsBody? Options);

    internal sealed record BulkGetBody(List<string>? Keys, int? Parallelism, Dictionary<string, string>? Metadata);

    internal sealed record TransactionOperationBody(string? Operation, StateItemBody? Request);

    internal sealed record TransactionBody(List<TransactionOperationBody>? Operations, Dictionary<string, string>? Metadata);
}
