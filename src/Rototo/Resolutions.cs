using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Rototo.Json;

namespace Rototo;

/// <summary>
/// The result of resolving a variable (§8.1): the variable id, the selected value key and the value.
/// Instances are immutable and shared between resolutions; <see cref="Value"/> is an immutable
/// <see cref="JsonElement"/> (use <see cref="GetValue{T}(JsonTypeInfo{T})"/> or <see cref="ToJsonNode"/> for other shapes).
/// </summary>
/// <param name="Id">The variable id.</param>
/// <param name="ValueKey">The inline value key or resource object key that was selected.</param>
/// <param name="Value">The selected value: a primitive for inline values, the resource object for resource-backed variables.</param>
public sealed record VariableResolution(string Id, string ValueKey, JsonElement Value)
{
    /// <summary>Deserializes <see cref="Value"/> to <typeparamref name="T"/> with System.Text.Json.</summary>
    /// <typeparam name="T">Target type, e.g. <c>string</c>, <c>long</c>, or a record matching a resource schema.</typeparam>
    /// <param name="options">Serializer options; null for the defaults.</param>
    /// <returns>The deserialized value.</returns>
    /// <exception cref="JsonException">The value does not fit <typeparamref name="T"/>.</exception>
    [RequiresUnreferencedCode("Reflection-based deserialization: in trimmed or native AOT apps use GetValue(JsonTypeInfo<T>) with a source-generated context.")]
    [RequiresDynamicCode("Reflection-based deserialization: in native AOT apps use GetValue(JsonTypeInfo<T>) with a source-generated context.")]
    public T? GetValue<T>(JsonSerializerOptions? options = null) => Value.Deserialize<T>(options);

    /// <summary>Deserializes <see cref="Value"/> to <typeparamref name="T"/> with source-generated metadata (trim and native AOT safe).</summary>
    /// <typeparam name="T">Target type, e.g. a record matching a resource schema, listed in the app's <see cref="System.Text.Json.Serialization.JsonSerializerContext"/>.</typeparam>
    /// <param name="typeInfo">The type's metadata, e.g. <c>AppJson.Default.Banner</c>.</param>
    /// <returns>The deserialized value.</returns>
    /// <exception cref="JsonException">The value does not fit <typeparamref name="T"/>.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="typeInfo"/> is null.</exception>
    public T? GetValue<T>(JsonTypeInfo<T> typeInfo) => Value.Deserialize(typeInfo);

    /// <summary>A new, mutable copy of <see cref="Value"/>.</summary>
    /// <returns>The copy; null only for a JSON null value.</returns>
    public JsonNode? ToJsonNode() => JsonNode.Parse(Value.GetRawText());
}

/// <summary>The result of resolving a qualifier (§8.1).</summary>
/// <param name="Id">The qualifier id.</param>
/// <param name="Value">Whether every predicate of the qualifier held.</param>
public sealed record QualifierResolution(string Id, bool Value);

/// <summary>
/// An immutable resolve context (§6): a JSON object. Create it once and reuse it across resolutions; a
/// context validated against a workspace's context schema remembers that, so later resolutions skip
/// validation.
/// </summary>
public sealed class ResolveContext
{
    private Validation? _validation;

    private ResolveContext(JsonElement root)
    {
        Root = root;
    }

    /// <summary>The empty context <c>{}</c>.</summary>
    public static ResolveContext Empty { get; } = FromJson("{}");

    /// <summary>The context object.</summary>
    public JsonElement Root { get; }

    /// <summary>Creates a context from a JSON object element (copied, so later changes to its document do not matter).</summary>
    /// <param name="context">A JSON object.</param>
    /// <returns>The context.</returns>
    /// <exception cref="RototoException">Not an object: <c>resolve context must be a JSON object</c>.</exception>
    public static ResolveContext From(JsonElement context) =>
        context.ValueKind == JsonValueKind.Object
            ? new ResolveContext(context.Clone())
            : throw new RototoException(RototoErrorCode.InvalidContext, "resolve context must be a JSON object");

    /// <summary>Creates a context from a <see cref="JsonObject"/> (a snapshot; later changes to the node do not matter).</summary>
    /// <param name="context">The context object.</param>
    /// <returns>The context.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    public static ResolveContext From(JsonObject context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new ResolveContext(JsonSerializer.SerializeToElement(context, RototoJson.Default.JsonObject));
    }

    /// <summary>Parses a context from JSON text.</summary>
    /// <param name="json">JSON text of an object, e.g. <c>{"user":{"tier":"premium"}}</c>.</param>
    /// <returns>The context.</returns>
    /// <exception cref="RototoException">Invalid JSON (<c>failed to parse context JSON: ...</c>) or not an object.</exception>
    public static ResolveContext FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonElement element;
        try
        {
            using var document = JsonDocument.Parse(json);
            element = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new RototoException(RototoErrorCode.InvalidContext, $"failed to parse context JSON: {e.Message}", e);
        }
        return From(element);
    }

    /// <summary>
    /// Merges context layers left to right as rototo merges repeated <c>--context</c> parts (§6): objects merge
    /// recursively, any other value replaces what an earlier layer had at that key.
    /// </summary>
    /// <param name="layers">The layers, lowest precedence first (e.g. a default context, then a request's context).</param>
    /// <returns>The merged context.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="layers"/> is null.</exception>
    public static ResolveContext Merge(IEnumerable<JsonObject> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var merged = new JsonObject();
        foreach (var layer in layers)
        {
            MergeInto(merged, layer);
        }
        return From(merged);
    }

    private static void MergeInto(JsonObject target, JsonObject source)
    {
        foreach (var (key, value) in source)
        {
            if (value is JsonObject incoming && target[key] is JsonObject existing)
            {
                MergeInto(existing, incoming);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }

    internal bool IsValidatedBy(object model) => ReferenceEquals(Volatile.Read(ref _validation)?.Model, model);

    /// <summary>Remembers that <paramref name="model"/> validated this context, with the context's attribute values by slot.</summary>
    internal void MarkValidatedBy(object model, Runtime.ContextValue[] values) => Volatile.Write(ref _validation, new Validation(model, values));

    /// <summary>The attribute values indexed when <paramref name="model"/> validated this context; null when it has not.</summary>
    internal Runtime.ContextValue[]? ValuesFor(object model) => Volatile.Read(ref _validation) is { } v && ReferenceEquals(v.Model, model) ? v.Values : null;

    /// <summary>The context as compact JSON.</summary>
    /// <returns>JSON text.</returns>
    public override string ToString() => Json.SerdeJson.Compact(Root);

    private sealed record Validation(object Model, Runtime.ContextValue[] Values);
}
