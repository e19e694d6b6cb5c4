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
                var leftProperties = SerdeJson.SortedProperties(a);
                var rightProperties = SerdeJson.SortedProperties(b);
                if (leftProperties.Count != rightProperties.Count)
                {
                    return false;
                }
                for (var i = 0; i < leftProperties.Count; i++)
                {
                    if (leftProperties[i].Key != rightProperties[i].Key || !Structural(leftProperties[i].Value, rightProperties[i].Value))
                    {
                        return false;
                    }
                }
                return true;
            default:
                return true;
        }
    }
}
