using System.Text.Json;
using System.Text.Json.Nodes;
using CloudRuntimes.Host.Blocks;
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

    private static async Task<IResult> SaveAsync(string store, HttpRequest request, StateService state, RuntimeOptions options, CancellationToken cancellationToken)
    {
        var (items, error) = await ApiJson.ReadAsync<List<StateItemBody>>(request, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        var requestMetadata = RequestMetadata.From(request);
        var saves = new List<SaveStateItem>(items!.Count);
        foreach (var (item, i) in items.Select((item, i) => (item, i)))
        {
            if (string.IsNullOrEmpty(item.Key))
            {
                return ApiErrors.Malformed("\"key\" is a required field");
            }
            RequestMetadata.Check(item.Metadata, options.Limits, $"[{i}].metadata");
            saves.Add(new SaveStateItem(item.Key, ApiJson.Bytes(item.Value), item.ETag, StateService.Concurrency(item.Options?.Concurrency), StateService.Consistency(item.Options?.Consistency), RequestMetadata.Merge(requestMetadata, item.Metadata)));
        }
        await state.SaveAsync(store, saves, cancellationToken);
        return Results.NoContent();
    }

    private static async Task<IResult> GetAsync(string store, string key, HttpRequest request, HttpResponse response, StateService state, CancellationToken cancellationToken)
    {
        var options = new GetStateOptions(StateService.Consistency(request.Query["consistency"]), RequestMetadata.From(request));
        var item = await state.GetAsync(store, key, options, cancellationToken);
        if (item is null)
        {
            return Results.NoContent();
        }
        response.Headers.ETag = item.ETag;
        RequestMetadata.WriteHeaders(response, item.Metadata);
        return Results.Bytes(item.Value.ToArray(), "application/json");
    }

    private static async Task<IResult> GetBulkAsync(string store, HttpRequest request, StateService state, RuntimeOptions options, CancellationToken cancellationToken)
    {
        var (body, error) = await ApiJson.ReadAsync<BulkGetBody>(request, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        RequestMetadata.Check(body!.Metadata, options.Limits, "metadata");
        var metadata = RequestMetadata.Merge(RequestMetadata.From(request), body.Metadata);
        var results = new JsonArray();
        foreach (var item in await state.GetBulkAsync(store, body.Keys ?? [], metadata, cancellationToken))
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
            results.Add((JsonNode)entry);
        }
        return ApiJson.Result(results);
    }

    /// <summary>The query API (alpha): 200 <c>{"results": [{"key", "data", "etag"}], "token"?}</c>, 204 when nothing matches.</summary>
    private static async Task<IResult> QueryAsync(string store, HttpRequest request, StateService state, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        var response = await state.QueryAsync(store, buffer.ToArray(), cancellationToken);
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
        return ApiJson.Result(body);
    }

    private static async Task<IResult> DeleteAsync(string store, string key, HttpRequest request, StateService state, CancellationToken cancellationToken)
    {
        string? etag = request.Headers.IfMatch.Count > 0 ? request.Headers.IfMatch.ToString() : null;
        await state.DeleteAsync(store, [new DeleteStateItem(key, etag, StateService.Concurrency(request.Query["concurrency"]), RequestMetadata.From(request))], cancellationToken);
        return Results.NoContent();
    }

    private static async Task<IResult> TransactionAsync(string store, HttpRequest request, StateService state, RuntimeOptions options, CancellationToken cancellationToken)
    {
        var (body, error) = await ApiJson.ReadAsync<TransactionBody>(request, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        RequestMetadata.Check(body!.Metadata, options.Limits, "metadata");
        var requestMetadata = RequestMetadata.Merge(RequestMetadata.From(request), body.Metadata);
        foreach (var (operation, i) in (body.Operations ?? []).Select((operation, i) => (operation, i)))
        {
            RequestMetadata.Check(operation.Request?.Metadata, options.Limits, $"operations[{i}].request.metadata");
        }
        var operations = (body.Operations ?? []).Select(operation => operation.Request is not { } item
            ? new TransactionInput(operation.Operation, null, default, null, default, default, requestMetadata)
            : new TransactionInput(operation.Operation, item.Key, ApiJson.Bytes(item.Value), item.ETag, StateService.Concurrency(item.Options?.Concurrency), StateService.Consistency(item.Options?.Consistency), RequestMetadata.Merge(requestMetadata, item.Metadata)));
        await state.ExecuteTransactionAsync(store, [.. operations], requestMetadata, cancellationToken);
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

    internal sealed record StateOptionsBody(string? Concurrency, string? Consistency);

    internal sealed record StateItemBody(string? Key, JsonElement? Value, [property: System.Text.Json.Serialization.JsonPropertyName("etag")] string? ETag, Dictionary<string, string>? Metadata, StateOptionsBody? Options);

    internal sealed record BulkGetBody(List<string>? Keys, int? Parallelism, Dictionary<string, string>? Metadata);

    internal sealed record TransactionOperationBody(string? Operation, StateItemBody? Request);

    internal sealed record TransactionBody(List<TransactionOperationBody>? Operations, Dictionary<string, string>? Metadata);
}
