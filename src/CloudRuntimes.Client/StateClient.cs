using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudRuntimes.State;

namespace CloudRuntimes.Client;

/// <summary>
/// The state building block over <c>/v1.0/state/{store}</c> (Dapr state API). Values are JSON: the bytes of
/// <see cref="SaveStateItem.Value"/> must be UTF-8 JSON, and reads return the stored JSON bytes.
/// </summary>
public sealed class StateClient
{
    private readonly ApiTransport _api;

    internal StateClient(ApiTransport api) => _api = api;

    /// <summary>Reads a key.</summary>
    /// <param name="store">State store name.</param>
    /// <param name="key">The key.</param>
    /// <param name="options">Consistency and metadata; null for defaults.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The item with its ETag, or null when the key does not exist.</returns>
    /// <exception cref="CloudRuntimesException">The runtime's error code (e.g. <c>ERR_STATE_STORE_NOT_FOUND</c>).</exception>
    public Task<StateItem?> GetAsync(string store, string key, GetStateOptions? options = null, CancellationToken cancellationToken = default) =>
        _api.CallAsync(GetOperation(store, key, options), cancellationToken);

    /// <summary>Synchronous <see cref="GetAsync"/>: a synchronous send on the calling thread (no task is waited on).</summary>
    /// <param name="store">State store name.</param>
    /// <param name="key">The key.</param>
    /// <param name="options">Consistency and metadata.</param>
    /// <returns>The item, or null.</returns>
    /// <exception cref="CloudRuntimesException">The runtime's error code (e.g. <c>ERR_STATE_STORE_NOT_FOUND</c>).</exception>
    public StateItem? Get(string store, string key, GetStateOptions? options = null) => _api.Call(GetOperation(store, key, options));

    private static ApiOperation<StateItem?> GetOperation(string store, string key, GetStateOptions? options)
    {
        var query = ApiTransport.Query(options?.Metadata, ("consistency", options?.Consistency == StateConsistency.Strong ? "strong" : null));
        return new(HttpMethod.Get, $"v1.0/state/{ApiTransport.Escape(store)}/{ApiTransport.Escape(key)}{query}", reply =>
            reply.Response.StatusCode == HttpStatusCode.NoContent
                ? null
                : new StateItem(key, reply.Body, reply.Response.Headers.ETag?.Tag.Trim('"') ?? Header(reply.Response, "ETag") ?? "", reply.Metadata()));
    }

    /// <summary>Reads a key and deserializes its JSON value.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="store">State store name.</param>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The value, or default when the key does not exist.</returns>
    public async Task<T?> GetValueAsync<T>(string store, string key, CancellationToken cancellationToken = default)
    {
        var item = await GetAsync(store, key, null, cancellationToken).ConfigureAwait(false);
        return item is null ? default : JsonSerializer.Deserialize<T>(item.Value.Span, JsonSerializerOptions.Web);
    }

    /// <summary>Reads several keys; missing keys come back without a value.</summary>
    /// <param name="store">State store name.</param>
    /// <param name="keys">The keys.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One item per key.</returns>
    public async Task<IReadOnlyList<BulkStateItem>> GetBulkAsync(string store, IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var body = new JsonObject { ["keys"] = new JsonArray([.. keys.Select(k => (JsonNode)JsonValue.Create(k))]) };
        using var response = await _api.SendCheckedAsync(HttpMethod.Post, $"v1.0/state/{ApiTransport.Escape(store)}/bulk", ApiTransport.Json(body), cancellationToken).ConfigureAwait(false);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)) as JsonArray ?? [];
        return [.. json.OfType<JsonObject>().Select(item => new BulkStateItem(
            item["key"]!.GetValue<string>(),
            item["data"] is { } data ? new ReadOnlyMemory<byte>(JsonSerializer.SerializeToUtf8Bytes(data)) : (ReadOnlyMemory<byte>?)null,
            item["etag"]?.GetValue<string>(),
            item["error"]?.GetValue<string>(),
            item["metadata"] is JsonObject metadata ? metadata.ToDictionary(m => m.Key, m => m.Value?.GetValue<string>() ?? "", StringComparer.Ordinal) : null))];
    }

    /// <summary>Saves items (each on its own; use <see cref="ExecuteTransactionAsync"/> for all-or-nothing).</summary>
    /// <param name="store">State store name.</param>
    /// <param name="items">Items with JSON values.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when saved.</returns>
    /// <exception cref="CloudRuntimesException"><c>ERR_STATE_ETAG_MISMATCH</c> on an ETag conflict (HTTP 409), else the runtime's code.</exception>
    /// <exception cref="ArgumentException">A value is not UTF-8 JSON.</exception>
    public Task SaveAsync(string store, IReadOnlyList<SaveStateItem> items, CancellationToken cancellationToken = default) =>
        _api.CallAsync(SaveOperation(store, items), cancellationToken);

    /// <summary>Synchronous <see cref="SaveAsync"/>: a synchronous send on the calling thread (no task is waited on).</summary>
    /// <param name="store">State store name.</param>
    /// <param name="items">Items with JSON values.</param>
    /// <exception cref="CloudRuntimesException"><c>ERR_STATE_ETAG_MISMATCH</c> on an ETag conflict (HTTP 409), else the runtime's code.</exception>
    /// <exception cref="ArgumentException">A value is not UTF-8 JSON.</exception>
    public void Save(string store, IReadOnlyList<SaveStateItem> items) => _api.Call(SaveOperation(store, items));

    private static ApiOperation<bool> SaveOperation(string store, IReadOnlyList<SaveStateItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var body = new JsonArray([.. items.Select(item => (JsonNode)ItemJson(item))]);
        return new(HttpMethod.Post, $"v1.0/state/{ApiTransport.Escape(store)}", ApiReply.None, ApiTransport.Json(body), MapCode: Conflict);
    }

    /// <summary>Serializes a value as JSON and saves it.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="store">State store name.</param>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="etag">Expected ETag; null for none.</param>
    /// <param name="metadata">Item metadata, e.g. <c>ttlInSeconds</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when saved.</returns>
    public Task SaveValueAsync<T>(string store, string key, T value, string? etag = null, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) =>
        SaveAsync(store, [new SaveStateItem(key, JsonSerializer.SerializeToUtf8Bytes(value, JsonSerializerOptions.Web), etag, Metadata: metadata)], cancellationToken);

    /// <summary>Deletes a key.</summary>
    /// <param name="store">State store name.</param>
    /// <param name="key">The key.</param>
    /// <param name="etag">Expected ETag (sent as <c>If-Match</c>); null for none.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when deleted.</returns>
    /// <exception cref="CloudRuntimesException"><c>ERR_STATE_ETAG_MISMATCH</c> on an ETag conflict, else the runtime's code.</exception>
    public Task DeleteAsync(string store, string key, string? etag = null, CancellationToken cancellationToken = default) =>
        _api.CallAsync(DeleteOperation(store, key, etag), cancellationToken);

    /// <summary>Synchronous <see cref="DeleteAsync"/>: a synchronous send on the calling thread (no task is waited on).</summary>
    /// <param name="store">State store name.</param>
    /// <param name="key">The key.</param>
    /// <param name="etag">Expected ETag.</param>
    /// <exception cref="CloudRuntimesException"><c>ERR_STATE_ETAG_MISMATCH</c> on an ETag conflict, else the runtime's code.</exception>
    public void Delete(string store, string key, string? etag = null) => _api.Call(DeleteOperation(store, key, etag));

    private static ApiOperation<bool> DeleteOperation(string store, string key, string? etag) =>
        new(HttpMethod.Delete, $"v1.0/state/{ApiTransport.Escape(store)}/{ApiTransport.Escape(key)}", ApiReply.None,
            Headers: headers => { if (etag is not null) { headers.TryAddWithoutValidation("If-Match", etag); } }, MapCode: Conflict);

    /// <summary>Applies upserts and deletes atomically.</summary>
    /// <param name="store">State store name.</param>
    /// <param name="operations">The operations in order.</param>
    /// <param name="metadata">Request metadata.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when applied.</returns>
    /// <exception cref="CloudRuntimesException"><c>ERR_STATE_TRANSACTION</c> when anything failed (nothing applied).</exception>
    public async Task ExecuteTransactionAsync(string store, IReadOnlyList<StateOperation> operations, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        var body = new JsonObject
        {
            ["operations"] = new JsonArray([.. operations.Select(op => (JsonNode)(op.Upsert is { } upsert
                ? new JsonObject { ["operation"] = "upsert", ["request"] = ItemJson(upsert) }
                : new JsonObject { ["operation"] = "delete", ["request"] = new JsonObject { ["key"] = op.Delete!.Key, ["etag"] = op.Delete.ETag } }))]),
        };
        if (metadata is not null)
        {
            body["metadata"] = ToJson(metadata);
        }
        using var response = await _api.SendCheckedAsync(HttpMethod.Post, $"v1.0/state/{ApiTransport.Escape(store)}/transaction", ApiTransport.Json(body), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Queries a store (the state query API, alpha: <c>POST /v1.0-alpha1/state/{store}/query</c>), one page at a time.
    /// </summary>
    /// <param name="store">State store name; the store must answer the query API (capability <c>QUERY_API</c>).</param>
    /// <param name="query">The query (build it with <see cref="StateQuery.Parse"/> from its JSON form).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page (items with their JSON values as UTF-8) and the next page's token, null on the last page.</returns>
    /// <exception cref="CloudRuntimesException"><c>ERR_STATE_QUERY</c> when the store cannot answer, <c>ERR_MALFORMED_REQUEST</c> for a bad query, else the runtime's code.</exception>
    public async Task<StateQueryResponse> QueryAsync(string store, StateQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var body = new JsonObject();
        if (query.Filter is { } filter)
        {
            body["filter"] = JsonNode.Parse(filter.GetRawText());
        }
        if (query.Sort is { Count: > 0 } sort)
        {
            body["sort"] = new JsonArray([.. sort.Select(s => (JsonNode)new JsonObject { ["key"] = s.Key, ["order"] = s.Descending ? "DESC" : "ASC" })]);
        }
        if (query.Limit is not null || query.Token is not null)
        {
            body["page"] = new JsonObject { ["limit"] = query.Limit, ["token"] = query.Token };
        }
        using var response = await _api.SendCheckedAsync(HttpMethod.Post, $"v1.0-alpha1/state/{ApiTransport.Escape(store)}/query", ApiTransport.Json(body), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == System.Net.HttpStatusCode.NoContent)
        {
            return new StateQueryResponse([], null);
        }
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false))!;
        return new StateQueryResponse(
            [.. (json["results"] as JsonArray ?? []).OfType<JsonObject>().Select(item => new StateQueryItem(
                item["key"]!.GetValue<string>(),
                JsonSerializer.SerializeToUtf8Bytes(item["data"]),
                item["etag"]?.GetValue<string>() ?? ""))],
            json["token"]?.GetValue<string>());
    }

    /// <summary>
    /// Lists keys that start with a prefix, one page at a time (a Cloud Runtimes extension:
    /// <c>GET /v1.0-alpha1/state/{store}/keys</c>; see <see cref="IStateStore.ListKeysAsync"/> for the order per store).
    /// </summary>
    /// <param name="store">State store name.</param>
    /// <param name="query">Prefix, page size (1 to <see cref="StateKeyQuery.MaxLimit"/>) and the previous page's token.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page and the next page's token, null on the last page.</returns>
    /// <exception cref="CloudRuntimesException"><c>ERR_MALFORMED_REQUEST</c> for a bad limit or token, else the runtime's code.</exception>
    public async Task<StateKeyPage> ListKeysAsync(string store, StateKeyQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var path = $"v1.0-alpha1/state/{ApiTransport.Escape(store)}/keys?prefix={Uri.EscapeDataString(query.Prefix ?? "")}&limit={query.Limit.ToString(System.Globalization.CultureInfo.InvariantCulture)}"
            + (query.ContinuationToken is null ? "" : $"&continuationToken={Uri.EscapeDataString(query.ContinuationToken)}");
        using var response = await _api.SendCheckedAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false))!;
        return new StateKeyPage([.. (json["keys"] as JsonArray ?? []).Select(k => k!.GetValue<string>())], json["continuationToken"]?.GetValue<string>());
    }

    private static JsonObject ItemJson(SaveStateItem item)
    {
        JsonNode? value;
        try
        {
            value = JsonNode.Parse(item.Value.Span);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"state value of key '{item.Key}' is not UTF-8 JSON: {e.Message}", nameof(item), e);
        }
        var json = new JsonObject { ["key"] = item.Key, ["value"] = value };
        if (item.ETag is not null)
        {
            json["etag"] = item.ETag;
        }
        if (item.Metadata is { Count: > 0 } metadata)
        {
            json["metadata"] = ToJson(metadata);
        }
        if (item.Concurrency != StateConcurrency.LastWrite || item.Consistency != StateConsistency.Eventual)
        {
            json["options"] = new JsonObject
            {
                ["concurrency"] = item.Concurrency == StateConcurrency.FirstWrite ? "first-write" : "last-write",
                ["consistency"] = item.Consistency == StateConsistency.Strong ? "strong" : "eventual",
            };
        }
        return json;
    }

    internal static JsonObject ToJson(IReadOnlyDictionary<string, string> metadata)
    {
        var json = new JsonObject();
        foreach (var (key, value) in metadata)
        {
            json[key] = value;
        }
        return json;
    }

    private static string Conflict(HttpStatusCode status, string code) => status == HttpStatusCode.Conflict ? CloudRuntimesErrors.StateETagMismatch.Code : code;

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
