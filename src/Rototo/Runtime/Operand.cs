using System.Runtime.InteropServices;
using System.Text.Json;
using Rototo.Json;

namespace Rototo.Runtime;

/// <summary>
/// A predicate's expected value prepared at compile time for rototo's <c>json_eq</c> (§4.3): a string keeps its
/// unescaped UTF-8 bytes and a number its parsed <see cref="JsonNumber"/>, so comparing a context value neither
/// re-reads nor re-parses the operand; anything else compares structurally.
/// </summary>
internal sealed class Operand
{
    private readonly byte[]? _utf8;
    private readonly JsonNumber? _number;

    public Operand(JsonElement element)
    {
        Element = element;
        if (element.ValueKind == JsonValueKind.String)
        {
            _utf8 = JsonStrings.Utf8(element).ToArray();
        }
        else if (element.ValueKind == JsonValueKind.Number)
        {
            _number = JsonNumber.Read(element);
        }
    }

    /// <summary>The operand as written in the qualifier.</summary>
    public JsonElement Element { get; }

    /// <summary>The operand as a number; only for number operands (ordering predicates require one).</summary>
    public JsonNumber Number => _number!.Value;

    /// <summary>
    /// <c>json_eq(actual, operand)</c>: exact numeric equality between numbers, else structural equality. A string
    /// operand compares the indexed UTF-8 text of <paramref name="actual"/> when it has one, else its element.
    /// </summary>
    public bool EqualTo(in ContextValue actual)
    {
        if (_utf8 is not null)
        {
            return actual.Utf8 is { } text
                ? text.AsSpan().SequenceEqual(_utf8)
                : actual.Kind == JsonValueKind.String && actual.Element.ValueEquals(_utf8);
        }
        if (_number is { } number)
        {
            return actual.Kind == JsonValueKind.Number && JsonNumber.CompareExact(JsonNumber.Read(actual.Element), number) == 0;
        }
        return JsonEquality.JsonEq(actual.Element, Element);
    }
}
