using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudRuntimes.Files;

namespace CloudRuntimes.Client;

/// <summary>The file building block over <c>/v1.0-alpha1/files/{store}</c> (Cloud Runtimes extension; not in Dapr).</summary>
public sealed class FileClient
{
    private readonly ApiTransport _api;

    internal FileClient(ApiTransport api) => _api = api;

    /// <summary>Stores a file.</summary>
    /// <param name="store">File store name.</param>
    /// <param name="name">Relative file name.</param>
    /// <param name="content">Content, read to its end.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when stored.</returns>
    /// <exception cref="CloudRuntimesException"><c>ERR_FILE_PATH_INVALID</c> and others.</exception>
    public async Task PutAsync(string store, string name, Stream content, CancellationToken cancellationToken = default)
    {
        using var body = new StreamContent(content);
        using var response = await _api.SendCheckedAsync(HttpMethod.Put, $"v1.0-alpha1/files/{ApiTransport.Escape(store)}/{ApiTransport.EscapePath(name)}", body, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a file into memory.</summary>
    /// <param name="store">File store name.</param>
    /// <param name="name">Relative file name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The content.</returns>
    /// <exception cref="CloudRuntimesException"><c>ERR_FILE_NOT_FOUND</c> and others.</exception>
    public async Task<byte[]> GetAsync(string store, string name, CancellationToken cancellationToken = default)
    {
        using var response = await _api.SendCheckedAsync(HttpMethod.Get, $"v1.0-alpha1/files/{ApiTransport.Escape(store)}/{ApiTransport.EscapePath(name)}", null, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lists files by name prefix.</summary>
    /// <param name="store">File store name.</param>
    /// <param name="prefix">Name prefix; empty for all.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The files.</returns>
    public async Task<IReadOnlyList<FileEntry>> ListAsync(string store, string prefix = "", CancellationToken cancellationToken = default)
    {
        using var response = await _api.SendCheckedAsync(HttpMethod.Get, $"v1.0-alpha1/files/{ApiTransport.Escape(store)}?prefix={ApiTransport.Escape(prefix)}", null, cancellationToken).ConfigureAwait(false);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)) as JsonArray ?? [];
        return [.. json.OfType<JsonObject>().Select(f => new FileEntry(
            f["name"]!.GetValue<string>(),
            f["size"]!.GetValue<long>(),
            DateTimeOffset.Parse(f["lastModified"]!.GetValue<string>(), CultureInfo.InvariantCulture)))];
    }

    /// <summary>Deletes a file.</summary>
    /// <param name="store">File store name.</param>
    /// <param name="name">Relative file name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when deleted.</returns>
    /// <exception cref="CloudRuntimesException"><c>ERR_FILE_NOT_FOUND</c> when there is no such file.</exception>
    public async Task DeleteAsync(string store, string name, CancellationToken cancellationToken = default)
    {
        using var response = await _api.SendCheckedAsync(HttpMethod.Delete, $"v1.0-alpha1/files/{ApiTransport.Escape(store)}/{ApiTransport.EscapePath(name)}", null, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>The database building block over <c>/v1.0-alpha1/database/{store}</c> (Cloud Runtimes extension; not in Dapr).</summary>
public sealed class DatabaseClient
{
    private readonly ApiTransport _api;

    internal DatabaseClient(ApiTransport api) => _api = api;

    /// <summary>Executes a statement with positional parameters.</summary>
    /// <param name="store">Database name.</param>
    /// <param name="sql">SQL text.</param>
    /// <param name="parameters">Parameter values (null, bool, numbers, strings).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Rows affected.</returns>
    /// <exception cref="CloudRuntimesException"><c>ERR_DATABASE</c> with the engine's message.</exception>
    public async Task<long> ExecuteAsync(string store, string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default)
    {
        using var response = await _api.SendCheckedAsync(HttpMethod.Post, $"v1.0-alpha1/database/{ApiTransport.Escape(store)}/execute", Body(sql, parameters), cancellationToken).ConfigureAwait(false);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false))?["rowsAffected"]?.GetValue<long>() ?? 0;
    }

    /// <summary>Runs a query; rows come back as JSON objects (blobs as base64 strings).</summary>
    /// <param name="store">Database name.</param>
    /// <param name="sql">SQL text.</param>
    /// <param name="parameters">Parameter values.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The rows.</returns>
    /// <exception cref="CloudRuntimesException"><c>ERR_DATABASE</c> with the engine's message.</exception>
    public async Task<IReadOnlyList<JsonObject>> QueryAsync(string store, string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default)
    {
        using var response = await _api.SendCheckedAsync(HttpMethod.Post, $"v1.0-alpha1/database/{ApiTransport.Escape(store)}/query", Body(sql, parameters), cancellationToken).ConfigureAwait(false);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)) as JsonArray ?? [];
        return [.. json.OfType<JsonObject>()];
    }

    private static HttpContent Body(string sql, IReadOnlyList<object?>? parameters) =>
        ApiTransport.Json(new JsonObject
        {
            ["sql"] = sql,
            ["params"] = new JsonArray([.. (parameters ?? []).Select(p => JsonSerializer.SerializeToNode(p))]),
        });
}
