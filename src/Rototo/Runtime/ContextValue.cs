using System.Runtime.InteropServices;
using System.Text.Json;

namespace Rototo.Runtime;

/// <summary>
/// A context attribute's value as the predicates read it. Indexed once per validated context
/// (<see cref="RuntimeModel.IndexContext"/>), it keeps the value's kind and, for a string without escape sequences, the
/// string's UTF-8 bytes, so the hot path compares and hashes plain bytes instead of going back to the JSON document
/// each time. A value found by a path look-up (validation off, traces) carries the element only; both forms give the
/// same results.
/// </summary>
internal readonly struct ContextValue
{
    private ContextValue(JsonElement element, JsonValueKind kind, byte[]? utf8)
    {
        Element = element;
        Kind = kind;
        Utf8 = utf8;
    }

    /// <summary>The value; <c>default</c> (<see cref="JsonValueKind.Undefined"/>) when the attribute is missing.</summary>
    public JsonElement Element { get; }

    /// <summary>The value's kind; <see cref="JsonValueKind.Undefined"/> when the attribute is missing.</summary>
    public JsonValueKind Kind { get; }

    /// <summary>The UTF-8 text of a string value without escape sequences, when indexed; else null.</summary>
    public byte[]? Utf8 { get; }

    /// <summary>A value found by a path look-up, read through its element.</summary>
    /// <param name="element">The element found (<c>default</c> when missing).</param>
    /// <returns>The value.</returns>
    public static ContextValue Of(JsonElement element) => new(element, element.ValueKind, null);

    /// <summary>A value of an indexed context: a string without escapes keeps a copy of its UTF-8 text.</summary>
    /// <param name="element">The element found (<c>default</c> when missing).</param>
    /// <returns>The value.</returns>
    public static ContextValue Indexed(JsonElement element)
    {
        var kind = element.ValueKind;
        if (kind != JsonValueKind.String)
        {
            return new ContextValue(element, kind, null);
        }
        var raw = JsonMarshal.GetRawUtf8Value(element);
        return new ContextValue(element, kind, raw.IndexOf((byte)'\\') < 0 ? raw[1..^1].ToArray() : null);
    }
}
