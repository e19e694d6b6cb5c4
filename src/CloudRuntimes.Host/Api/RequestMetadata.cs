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

    /// <summary>Merges request-level metadata under item metadata (item values win).</summary>
    public static Dictionary<string, string> Merge(IReadOnlyDictionary<string, string> request, IReadOnlyDictionary<string, string>? item)
    {
        var merged = new Dictionary<string, string>(request, StringComparer.Ordinal);
        foreach (var (key, value) in item ?? new Dictionary<string, string>())
        {
            merged[key] = value;
        }
        return merged;
    }

    public static void WriteHeaders(HttpResponse response, IReadOnlyDictionary<string, string> metadata)
    {
        foreach (var (key, value) in metadata)
        {
            response.Headers[Prefix + key] = new StringValues(value);
        }
    }
}
