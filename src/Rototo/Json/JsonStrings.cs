using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Rototo.Json;

/// <summary>The text of JSON string elements as UTF-8, read in place when the string has no escapes.</summary>
internal static class JsonStrings
{
    /// <summary>
    /// The string's text as UTF-8 bytes: a slice of the document when it has no escape sequences (no allocation),
    /// else a newly encoded copy of the unescaped text.
    /// </summary>
    /// <param name="element">A <see cref="JsonValueKind.String"/> element.</param>
    /// <returns>The unescaped UTF-8 text.</returns>
    public static ReadOnlySpan<byte> Utf8(JsonElement element)
    {
        var raw = JsonMarshal.GetRawUtf8Value(element);
        return raw.IndexOf((byte)'\\') < 0 ? raw[1..^1] : Encoding.UTF8.GetBytes(element.GetString()!);
    }
}
