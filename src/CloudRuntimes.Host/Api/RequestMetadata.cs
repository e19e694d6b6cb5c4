using Microsoft.Extensions.Primitives;

namespace CloudRuntimes.Host.Api;

/// <summary>Dapr request metadata: query parameters named <c>metadata.&lt;key&gt;</c>.</summary>
internal static class RequestMetadata
{
    private const string Prefix = "metadata.";

    public static Dictionary<string, string> From(HttpRequest request)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in request.Query)
        {
            if (key.StartsWith(Prefix, StringComparison.Ordinal) && key.Length > Prefix.Length)
            {
                metadata[key[Prefix.Length..]] = value.ToString();
            }
        }
        return metadata;
    }

    /// <summary>
    /// Refuses a metadata map larger than <see cref="RuntimeLimits.MaxRequestMetadataChars"/> (characters of its keys and
    /// values), the one check of every transport's metadata maps.
    /// </summary>
    /// <param name="metadata">The map as sent; null is none.</param>
    /// <param name="limits">The server's limits.</param>
    /// <param name="field">The field that carries it, for the message (e.g. <c>states[2].metadata</c>).</param>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.MalformedRequest"/> over the limit.</exception>
    public static void Check(IReadOnlyDictionary<string, string>? metadata, RuntimeLimits limits, string field)
    {
        long size = 0;
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            size += key.Length + value.Length;
        }
        if (size > limits.MaxRequestMetadataChars)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest,
                $"{field}: the metadata holds {size:N0} characters of keys and values; a metadata map may hold at most {limits.MaxRequestMetadataChars:N0}");
        }
    }

    /// <summary>
    /// Request-level metadata under an item's (item values win), without a copy: either map when the other is empty,
    /// else a view of both (<see cref="MergedMetadata"/>). A request's metadata applies to each of its items (up to
    /// thousands in one message), so a copy for each item multiplied the request's map by their number: 4,000 entries
    /// under 3,000 operations of a transaction made 12,000,000 dictionary entries and failed (Internal) in a 96 MiB heap.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Merge(IReadOnlyDictionary<string, string> request, IReadOnlyDictionary<string, string>? item) =>
        item is null || item.Count == 0 ? request : request.Count == 0 ? item : new MergedMetadata(request, item);

    public static void WriteHeaders(HttpResponse response, IReadOnlyDictionary<string, string> metadata)
    {
        foreach (var (key, value) in metadata)
        {
            response.Headers[Prefix + key] = new StringValues(value);
        }
    }
}
