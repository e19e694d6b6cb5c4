using System.Runtime.InteropServices;
using System.Text.Json;

namespace Rototo.Json;

/// <summary>rototo's <c>json_eq</c> (§4.3): exact numeric equality at the top level, serde_json structural equality below it.</summary>
internal static class JsonEquality
{
    /// <summary>True when both are numbers comparing exactly equal, or (otherwise) structurally equal.</summary>
    public static bool JsonEq(JsonElement actual, JsonElement expected)
    {
        if (actual.ValueKind == JsonValueKind.Number && expected.ValueKind == JsonValueKind.Number)
        {
            return JsonNumber.CompareExact(JsonNumber.Read(actual), JsonNumber.Read(expected)) == 0;
        }
        return Structural(actual, expected);
    }

    /// <summary>serde_json <c>Value</c> equality: numbers by identity and value, objects by key set (last duplicate wins).</summary>
    public static bool Structural(JsonElement a, JsonElement b)
    {
        if (a.ValueKind != b.ValueKind)
        {
            return false;
        }
        switch (a.ValueKind)
        {
            case JsonValueKind.String:
                return a.ValueEquals(JsonStrings.Utf8(b));
            case JsonValueKind.Number:
                return JsonNumber.Read(a).IdentityEquals(JsonNumber.Read(b));
            case JsonValueKind.Array:
                if (a.GetArrayLength() != b.GetArrayLength())
                {
                    return false;
                }
                using (var left = a.EnumerateArray())
                using (var right = b.EnumerateArray())
                {
                    while (left.MoveNext() && right.MoveNext())
                    {
                        if (!Structural(left.Current, right.Current))
                        {
                            return false;
                        }
                    }
                }
                return true;
            case JsonValueKind.Object:
                return ObjectsEqual(a, b);
            default:
                return true;
        }
    }

    /// <summary>
    /// Same keys with structurally equal values, each object keeping the last of a duplicate key. O(|a| + |b|)
    /// expected, often less: the object with fewer properties is read whole, the other only until it shows more
    /// distinct keys (a 300,000-key context against a one-key operand stops at its second key).
    /// </summary>
    private static bool ObjectsEqual(JsonElement a, JsonElement b)
    {
        var (fewer, more) = a.GetPropertyCount() <= b.GetPropertyCount() ? (a, b) : (b, a);
        var expected = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in fewer.EnumerateObject())
        {
            expected[property.Name] = property.Value;
        }
        var actual = new Dictionary<string, JsonElement>(expected.Count, StringComparer.Ordinal);
        foreach (var property in more.EnumerateObject())
        {
            actual[property.Name] = property.Value;
            if (actual.Count > expected.Count)
            {
                return false;
            }
        }
        if (actual.Count != expected.Count)
        {
            return false;
        }
        foreach (var (name, value) in actual)
        {
            if (!expected.TryGetValue(name, out var other) || !Structural(value, other))
            {
                return false;
            }
        }
        return true;
    }
}
