using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Rototo.Json;

namespace Rototo.Runtime;

/// <summary>
/// rototo's bucket hash (§4.4): FNV-1a 64-bit over <c>salt + ":" + canonical(value)</c>, modulo 10000.
/// canonical(value) is the raw text of a string and serde_json's compact JSON of anything else.
/// </summary>
public static class Bucket
{
    /// <summary>FNV-1a 64-bit offset basis.</summary>
    public const ulong OffsetBasis = 14695981039346656037;

    /// <summary>FNV-1a 64-bit prime.</summary>
    public const ulong Prime = 1099511628211;

    /// <summary>Number of buckets.</summary>
    public const int Count = 10000;

    /// <summary>The bucket (0..9999) of a string value.</summary>
    /// <param name="salt">The predicate salt.</param>
    /// <param name="value">The raw string value.</param>
    /// <returns>The bucket number.</returns>
    public static int Of(string salt, string value) => Finish(Hash(SaltState(salt), Encoding.UTF8.GetBytes(value)));

    /// <summary>The bucket (0..9999) of any JSON value (strings hash raw; other values as compact JSON).</summary>
    /// <param name="salt">The predicate salt.</param>
    /// <param name="value">The context value.</param>
    /// <returns>The bucket number.</returns>
    public static int Of(string salt, JsonElement value) => Of(SaltState(salt), value);

    /// <summary>The FNV state after hashing <c>salt + ":"</c>, computed once per predicate.</summary>
    internal static ulong SaltState(string salt) => Hash(Hash(OffsetBasis, Encoding.UTF8.GetBytes(salt)), ":"u8);

    /// <summary>The bucket of a context value: its indexed UTF-8 text when it has one (the same bytes), else its element.</summary>
    internal static int Of(ulong saltState, in ContextValue value) =>
        value.Utf8 is { } text ? Finish(Hash(saltState, text)) : Of(saltState, value.Element);

    internal static int Of(ulong saltState, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return Finish(Hash(saltState, JsonStrings.Utf8(value)));
        }
        return Finish(Hash(saltState, Encoding.UTF8.GetBytes(SerdeJson.Compact(value))));
    }

    private static ulong Hash(ulong state, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            state = (state ^ b) * Prime;
        }
        return state;
    }

    private static int Finish(ulong state) => (int)(state % Count);
}
