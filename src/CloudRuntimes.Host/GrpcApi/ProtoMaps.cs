using Google.Protobuf.Collections;

namespace CloudRuntimes.Host.GrpcApi;

/// <summary>Copies read-only maps into Protobuf map fields (which take <see cref="IDictionary{TKey, TValue}"/> only).</summary>
internal static class ProtoMaps
{
    /// <summary>Adds (or replaces) every entry of <paramref name="values"/>; also what collection initializers of a map field call.</summary>
    public static void Add(this MapField<string, string> map, IReadOnlyDictionary<string, string> values)
    {
        foreach (var (key, value) in values)
        {
            map[key] = value;
        }
    }
}
