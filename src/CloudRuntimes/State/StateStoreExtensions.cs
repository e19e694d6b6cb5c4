using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace CloudRuntimes.State;

/// <summary>Typed JSON helpers and single-item forms over <see cref="IStateStore"/>.</summary>
public static class StateStoreExtensions
{
    private const string ReflectionJson = "Reflection-based JSON of an arbitrary type: use the overload that takes a JsonTypeInfo<T> under trimming or native AOT.";

    /// <summary>Reads a key and deserializes its JSON value.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="store">The store.</param>
    /// <param name="key">The key.</param>
    /// <param name="jsonOptions">Serializer options; null for the web defaults (camelCase).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The value, or default when the key does not exist.</returns>
    /// <exception cref="JsonException">The stored bytes are not JSON of <typeparamref name="T"/>.</exception>
    [RequiresUnreferencedCode(ReflectionJson)]
    [RequiresDynamicCode(ReflectionJson)]
    public static async Task<T?> GetValueAsync<T>(this IStateStore store, string key, JsonSerializerOptions? jsonOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var item = await store.GetAsync(key, null, cancellationToken).ConfigureAwait(false);
        return item is null ? default : JsonSerializer.Deserialize<T>(item.Value.Span, jsonOptions ?? JsonSerializerOptions.Web);
    }

    /// <summary>Serializes a value as JSON and saves it (last-write, no ETag).</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="store">The store.</param>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="jsonOptions">Serializer options; null for the web defaults (camelCase).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when saved.</returns>
    [RequiresUnreferencedCode(ReflectionJson)]
    [RequiresDynamicCode(ReflectionJson)]
    public static Task SaveValueAsync<T>(this IStateStore store, string key, T value, JsonSerializerOptions? jsonOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, jsonOptions ?? JsonSerializerOptions.Web);
        return store.SaveAsync([new SaveStateItem(key, bytes)], cancellationToken);
    }

    /// <summary>Reads a key and deserializes its JSON value with source-generated metadata (trim- and native AOT-safe).</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="store">The store.</param>
    /// <param name="key">The key.</param>
    /// <param name="jsonTypeInfo">The value type's metadata, from a <c>JsonSerializerContext</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The value, or default when the key does not exist.</returns>
    /// <exception cref="JsonException">The stored bytes are not JSON of <typeparamref name="T"/>.</exception>
    public static async Task<T?> GetValueAsync<T>(this IStateStore store, string key, JsonTypeInfo<T> jsonTypeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var item = await store.GetAsync(key, null, cancellationToken).ConfigureAwait(false);
        return item is null ? default : JsonSerializer.Deserialize(item.Value.Span, jsonTypeInfo);
    }

    /// <summary>Serializes a value as JSON with source-generated metadata (trim- and native AOT-safe) and saves it (last-write, no ETag).</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="store">The store.</param>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="jsonTypeInfo">The value type's metadata, from a <c>JsonSerializerContext</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when saved.</returns>
    public static Task SaveValueAsync<T>(this IStateStore store, string key, T value, JsonTypeInfo<T> jsonTypeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.SaveAsync([new SaveStateItem(key, JsonSerializer.SerializeToUtf8Bytes(value, jsonTypeInfo))], cancellationToken);
    }

    /// <summary>Saves one item.</summary>
    /// <param name="store">The store.</param>
    /// <param name="item">The item.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when saved.</returns>
    public static Task SaveAsync(this IStateStore store, SaveStateItem item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.SaveAsync([item], cancellationToken);
    }

    /// <summary>Deletes one key.</summary>
    /// <param name="store">The store.</param>
    /// <param name="key">The key.</param>
    /// <param name="etag">Expected ETag; null for none.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when deleted.</returns>
    public static Task DeleteAsync(this IStateStore store, string key, string? etag = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.DeleteAsync([new DeleteStateItem(key, etag)], cancellationToken);
    }
}
