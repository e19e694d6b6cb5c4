using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudRuntimes.Bindings;
using CloudRuntimes.Configuration;
using CloudRuntimes.Lock;

namespace CloudRuntimes.Client;

/// <summary>The configuration building block over <c>/v1.0/configuration/{store}</c>.</summary>
public sealed class ConfigurationClient
{
    private readonly ApiTransport _api;

    internal ConfigurationClient(ApiTransport api) => _api = api;

    /// <summary>Reads configuration items.</summary>
    /// <param name="store">Configuration store name.</param>
    /// <param name="keys">Keys; empty for all.</param>
    /// <param name="metadata">Request metadata (for a rototo store: <c>context</c> JSON or <c>context.&lt;path&gt;</c> items).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Items by key.</returns>
    /// <exception cref="CloudRuntimesException">The runtime's error code (e.g. <c>ERR_CONFIGURATION_GET</c>).</exception>
    public Task<IReadOnlyDictionary<string, ConfigurationItem>> GetAsync(string store, IReadOnlyList<string> keys, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) =>
        _api.CallAsync(GetOperation(store, keys, metadata), cancellationToken);

    /// <summary>Synchronous <see cref="GetAsync"/>: a synchronous send on the calling thread (no task is waited on).</summary>
    /// <param name="store">Configuration store name.</param>
    /// <param name="keys">Keys; empty for all.</param>
    /// <param name="metadata">Request metadata.</param>
    /// <returns>Items by key.</returns>
    /// <exception cref="CloudRuntimesException">The runtime's error code (e.g. <c>ERR_CONFIGURATION_GET</c>).</exception>
    public IReadOnlyDictionary<string, ConfigurationItem> Get(string store, IReadOnlyList<string> keys, IReadOnlyDictionary<string, string>? metadata = null) =>
        _api.Call(GetOperation(store, keys, metadata));

    private static ApiOperation<IReadOnlyDictionary<string, ConfigurationItem>> GetOperation(string store, IReadOnlyList<string> keys, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return new(HttpMethod.Get, $"v1.0/configuration/{ApiTransport.Escape(store)}{Query(keys, metadata)}", reply =>
            string.IsNullOrWhiteSpace(reply.Text) ? new Dictionary<string, ConfigurationItem>() : Items(JsonNode.Parse(reply.Text) as JsonObject ?? []));
    }

    /// <summary>Subscribes to changes; the runtime POSTs them to the app at <c>/configuration/{store}/{key}</c>.</summary>
    /// <param name="store">Configuration store name.</param>
    /// <param name="keys">Keys to watch.</param>
    /// <param name="metadata">Request metadata.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The subscription id.</returns>
    public async Task<string> SubscribeAsync(string store, IReadOnlyList<string> keys, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        using var response = await _api.SendCheckedAsync(HttpMethod.Get, $"v1.0/configuration/{ApiTransport.Escape(store)}/subscribe{Query(keys, metadata)}", null, cancellationToken).ConfigureAwait(false);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        return json?["id"]?.GetValue<string>() ?? throw new CloudRuntimesException(CloudRuntimesErrors.ConfigurationSubscribe, "the runtime returned no subscription id");
    }

    /// <summary>Ends a subscription.</summary>
    /// <param name="store">Configuration store name.</param>
    /// <param name="subscriptionId">The id from <see cref="SubscribeAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when it existed.</returns>
    public async Task<bool> UnsubscribeAsync(string store, string subscriptionId, CancellationToken cancellationToken = default)
    {
        using var response = await _api.SendAsync(HttpMethod.Get, $"v1.0/configuration/{ApiTransport.Escape(store)}/{ApiTransport.Escape(subscriptionId)}/unsubscribe", null, cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode;
    }

    private static string Query(IReadOnlyList<string> keys, IReadOnlyDictionary<string, string>? metadata)
    {
        var query = ApiTransport.Query(metadata);
        var keyPart = string.Join('&', keys.Select(k => "key=" + ApiTransport.Escape(k)));
        return keyPart.Length == 0 ? query : query.Length == 0 ? "?" + keyPart : query + "&" + keyPart;
    }

    internal static Dictionary<string, ConfigurationItem> Items(JsonObject json) =>
        json.Where(p => p.Value is JsonObject).ToDictionary(
            p => p.Key,
            p => new ConfigurationItem(
                p.Value!["value"]?.GetValue<string>() ?? "",
                p.Value["version"]?.GetValue<string>() ?? "",
                (p.Value["metadata"] as JsonObject)?.ToDictionary(m => m.Key, m => m.Value?.GetValue<string>() ?? "") ?? []),
            StringComparer.Ordinal);
}

/// <summary>The secrets building block over <c>/v1.0/secrets/{store}</c>.</summary>
public sealed class SecretsClient
{
    private readonly ApiTransport _api;

    internal SecretsClient(ApiTransport api) => _api = api;

    /// <summary>Reads a secret.</summary>
    /// <param name="store">Secret store name.</param>
    /// <param name="name">Secret name.</param>
    /// <param name="metadata">Request metadata.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The secret's keys and values, or null when not found.</returns>
    /// <exception cref="CloudRuntimesException">The runtime's error code (e.g. <c>ERR_SECRET_STORE_NOT_FOUND</c>).</exception>
    public Task<IReadOnlyDictionary<string, string>?> GetAsync(string store, string name, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) =>
        _api.CallAsync(GetOperation(store, name, metadata), cancellationToken);

    /// <summary>Synchronous <see cref="GetAsync"/>: a synchronous send on the calling thread (no task is waited on).</summary>
    /// <param name="store">Secret store name.</param>
    /// <param name="name">Secret name.</param>
    /// <returns>The secret, or null.</returns>
    /// <exception cref="CloudRuntimesException">The runtime's error code (e.g. <c>ERR_SECRET_STORE_NOT_FOUND</c>).</exception>
    public IReadOnlyDictionary<string, string>? Get(string store, string name) => _api.Call(GetOperation(store, name, null));

    private static ApiOperation<IReadOnlyDictionary<string, string>?> GetOperation(string store, string name, IReadOnlyDictionary<string, string>? metadata) =>
        new(HttpMethod.Get, $"v1.0/secrets/{ApiTransport.Escape(store)}/{ApiTransport.Escape(name)}{ApiTransport.Query(metadata)}", reply =>
            string.IsNullOrWhiteSpace(reply.Text) ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(reply.Body));

    /// <summary>Reads every secret of a store.</summary>
    /// <param name="store">Secret store name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Secrets by name.</returns>
    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> GetBulkAsync(string store, CancellationToken cancellationToken = default)
    {
        using var response = await _api.SendCheckedAsync(HttpMethod.Get, $"v1.0/secrets/{ApiTransport.Escape(store)}/bulk", null, cancellationToken).ConfigureAwait(false);
        var all = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)) ?? [];
        return all.ToDictionary(p => p.Key, p => (IReadOnlyDictionary<string, string>)p.Value, StringComparer.Ordinal);
    }
}

/// <summary>Output bindings over <c>/v1.0/bindings/{name}</c>.</summary>
public sealed class BindingsClient
{
    private readonly ApiTransport _api;

    internal BindingsClient(ApiTransport api) => _api = api;

    /// <summary>Invokes an output binding operation.</summary>
    /// <param name="name">Binding name.</param>
    /// <param name="request">Operation, data (UTF-8 JSON, or text sent as a JSON string) and metadata.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The response data and metadata (from <c>metadata.*</c> headers).</returns>
    /// <exception cref="CloudRuntimesException">The runtime's error code (e.g. <c>ERR_INVOKE_OUTPUT_BINDING</c>).</exception>
    public Task<BindingResponse> InvokeAsync(string name, BindingRequest request, CancellationToken cancellationToken = default) =>
        _api.CallAsync(InvokeOperation(name, request), cancellationToken);

    /// <summary>Synchronous <see cref="InvokeAsync"/>: a synchronous send on the calling thread (no task is waited on).</summary>
    /// <param name="name">Binding name.</param>
    /// <param name="request">The request.</param>
    /// <returns>The response.</returns>
    /// <exception cref="CloudRuntimesException">The runtime's error code (e.g. <c>ERR_INVOKE_OUTPUT_BINDING</c>).</exception>
    public BindingResponse Invoke(string name, BindingRequest request) => _api.Call(InvokeOperation(name, request));

    private static ApiOperation<BindingResponse> InvokeOperation(string name, BindingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        JsonNode? data;
        try
        {
            data = request.Data.Length == 0 ? null : JsonNode.Parse(request.Data.Span);
        }
        catch (JsonException)
        {
            data = JsonValue.Create(System.Text.Encoding.UTF8.GetString(request.Data.Span));
        }
        var body = new JsonObject { ["data"] = data, ["operation"] = request.Operation };
        if (request.Metadata is { } metadata)
        {
            body["metadata"] = StateClient.ToJson(metadata);
        }
        return new(HttpMethod.Post, $"v1.0/bindings/{ApiTransport.Escape(name)}", reply => new BindingResponse(reply.Body.Length == 0 ? null : reply.Body, reply.Metadata()), ApiTransport.Json(body));
    }
}

/// <summary>Distributed lock over <c>/v1.0-alpha1/lock/{store}</c> and <c>/unlock/{store}</c>.</summary>
public sealed class LockClient
{
    private readonly ApiTransport _api;

    internal LockClient(ApiTransport api) => _api = api;

    /// <summary>Tries to acquire a lock without waiting.</summary>
    /// <param name="store">Lock store name.</param>
    /// <param name="request">Resource, owner and expiry in seconds.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when acquired.</returns>
    /// <exception cref="CloudRuntimesException"><c>ERR_MALFORMED_REQUEST</c> for invalid requests, or the runtime's code.</exception>
    public Task<bool> TryLockAsync(string store, TryLockRequest request, CancellationToken cancellationToken = default) =>
        _api.CallAsync(TryLockOperation(store, request), cancellationToken);

    /// <summary>Synchronous <see cref="TryLockAsync"/>: a synchronous send on the calling thread (no task is waited on).</summary>
    /// <param name="store">Lock store name.</param>
    /// <param name="request">The request.</param>
    /// <returns>True when acquired.</returns>
    /// <exception cref="CloudRuntimesException"><c>ERR_MALFORMED_REQUEST</c> for invalid requests, or the runtime's code.</exception>
    public bool TryLock(string store, TryLockRequest request) => _api.Call(TryLockOperation(store, request));

    private static ApiOperation<bool> TryLockOperation(string store, TryLockRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = new JsonObject { ["resourceId"] = request.ResourceId, ["lockOwner"] = request.LockOwner, ["expiryInSeconds"] = request.ExpiryInSeconds };
        return new(HttpMethod.Post, $"v1.0-alpha1/lock/{ApiTransport.Escape(store)}", reply => JsonNode.Parse(reply.Body)?["success"]?.GetValue<bool>() ?? false, ApiTransport.Json(body));
    }

    /// <summary>Releases a lock.</summary>
    /// <param name="store">Lock store name.</param>
    /// <param name="request">Resource and owner.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The outcome.</returns>
    public Task<UnlockStatus> UnlockAsync(string store, UnlockRequest request, CancellationToken cancellationToken = default) =>
        _api.CallAsync(UnlockOperation(store, request), cancellationToken);

    /// <summary>
    /// Acquires a lock, waiting up to <paramref name="timeout"/> for it to be released or to expire (a Cloud Runtimes
    /// extension: <c>POST /v1.0-alpha1/lock/{store}/acquire</c>).
    /// </summary>
    /// <param name="store">Lock store name.</param>
    /// <param name="request">Resource, owner and expiry in seconds.</param>
    /// <param name="timeout">How long to wait: zero to 300 seconds (whole milliseconds).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when acquired; false when the timeout passed first.</returns>
    /// <exception cref="CloudRuntimesException"><c>ERR_MALFORMED_REQUEST</c> for invalid requests, or the runtime's code.</exception>
    public async Task<bool> LockAsync(string store, TryLockRequest request, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = new JsonObject { ["resourceId"] = request.ResourceId, ["lockOwner"] = request.LockOwner, ["expiryInSeconds"] = request.ExpiryInSeconds, ["timeoutInSeconds"] = Math.Round(timeout.TotalSeconds, 3) };
        using var response = await _api.SendCheckedAsync(HttpMethod.Post, $"v1.0-alpha1/lock/{ApiTransport.Escape(store)}/acquire", ApiTransport.Json(body), cancellationToken).ConfigureAwait(false);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false))?["success"]?.GetValue<bool>() ?? false;
    }

    /// <summary>
    /// Extends a lock its owner holds to expire <see cref="TryLockRequest.ExpiryInSeconds"/> from now (a Cloud Runtimes
    /// extension: <c>POST /v1.0-alpha1/lock/{store}/renew</c>). An expired lock is not renewed.
    /// </summary>
    /// <param name="store">Lock store name.</param>
    /// <param name="request">Resource, owner and the new expiry in seconds.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="CloudRuntimesException"><c>ERR_MALFORMED_REQUEST</c> for invalid requests, or the runtime's code.</exception>
    public async Task<RenewLockStatus> RenewAsync(string store, TryLockRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = new JsonObject { ["resourceId"] = request.ResourceId, ["lockOwner"] = request.LockOwner, ["expiryInSeconds"] = request.ExpiryInSeconds };
        using var response = await _api.SendCheckedAsync(HttpMethod.Post, $"v1.0-alpha1/lock/{ApiTransport.Escape(store)}/renew", ApiTransport.Json(body), cancellationToken).ConfigureAwait(false);
        return (RenewLockStatus)(JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false))?["status"]?.GetValue<int>() ?? (int)RenewLockStatus.InternalError);
    }

    /// <summary>Synchronous <see cref="UnlockAsync"/>: a synchronous send on the calling thread (no task is waited on).</summary>
    /// <param name="store">Lock store name.</param>
    /// <param name="request">The request.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="CloudRuntimesException"><c>ERR_MALFORMED_REQUEST</c> for invalid requests, or the runtime's code.</exception>
    public UnlockStatus Unlock(string store, UnlockRequest request) => _api.Call(UnlockOperation(store, request));

    private static ApiOperation<UnlockStatus> UnlockOperation(string store, UnlockRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = new JsonObject { ["resourceId"] = request.ResourceId, ["lockOwner"] = request.LockOwner };
        return new(HttpMethod.Post, $"v1.0-alpha1/unlock/{ApiTransport.Escape(store)}", reply =>
            JsonNode.Parse(reply.Body)?["status"] is { } status ? (UnlockStatus)status.GetValue<int>() : UnlockStatus.Success, ApiTransport.Json(body));
    }
}

/// <summary>Scheduled jobs over <c>/v1.0-alpha1/jobs/{name}</c>.</summary>
public sealed class JobsClient
{
    private readonly ApiTransport _api;

    internal JobsClient(ApiTransport api) => _api = api;

    /// <summary>Schedules (or replaces) a job; it fires to the app at <c>/job/{name}</c>.</summary>
    /// <param name="job">The job (data must be UTF-8 JSON or empty).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when stored.</returns>
    /// <exception cref="CloudRuntimesException"><c>ERR_JOB_INVALID</c> or the runtime's code.</exception>
    public async Task ScheduleAsync(Jobs.Job job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var body = new JsonObject
        {
            ["schedule"] = job.Schedule,
            ["dueTime"] = job.DueTime?.ToString("O", CultureInfo.InvariantCulture),
            ["repeats"] = job.Repeats,
            ["ttl"] = job.Ttl?.ToString("O", CultureInfo.InvariantCulture),
            ["data"] = job.Data.Length == 0 ? null : JsonNode.Parse(job.Data.Span),
        };
        using var response = await _api.SendCheckedAsync(HttpMethod.Post, $"v1.0-alpha1/jobs/{ApiTransport.Escape(job.Name)}", ApiTransport.Json(body), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a job.</summary>
    /// <param name="name">Job name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The job, or null when there is none.</returns>
    public async Task<Jobs.Job?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        using var response = await _api.SendAsync(HttpMethod.Get, $"v1.0-alpha1/jobs/{ApiTransport.Escape(name)}", null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false))!;
        return new Jobs.Job(
            name,
            json["schedule"]?.GetValue<string>(),
            json["dueTime"] is { } due ? DateTimeOffset.Parse(due.GetValue<string>(), CultureInfo.InvariantCulture) : null,
            json["repeats"]?.GetValue<int>(),
            json["ttl"] is { } ttl ? DateTimeOffset.Parse(ttl.GetValue<string>(), CultureInfo.InvariantCulture) : null,
            json["data"] is { } data ? JsonSerializer.SerializeToUtf8Bytes(data) : ReadOnlyMemory<byte>.Empty);
    }

    /// <summary>Deletes a job.</summary>
    /// <param name="name">Job name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when deleted.</returns>
    public async Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        using var response = await _api.SendCheckedAsync(HttpMethod.Delete, $"v1.0-alpha1/jobs/{ApiTransport.Escape(name)}", null, cancellationToken).ConfigureAwait(false);
    }
}
