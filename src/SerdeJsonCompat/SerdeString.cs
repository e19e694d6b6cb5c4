using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace SerdeJsonCompat;

/// <summary>
/// Writes JSON string literals exactly as serde_json prints them: only <c>"</c>, <c>\</c> and the control
/// characters U+0000–U+001F are escaped — <c>\b \t \n \f \r</c> by name, the others as <c>\u00XX</c> with
/// lowercase hex digits (<c>\u001f</c>); everything else, including non-ASCII text, U+2028, U+2029, DEL (U+007F),
/// <c>/</c> and <c>&lt;&gt;&amp;'</c>, is written as it is, in UTF-8.
/// </summary>
public static class SerdeString
{
    private static readonly SearchValues<byte> Escaped = SearchValues.Create(
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, (byte)'"', (byte)'\\']);

    private static ReadOnlySpan<byte> Hex => "0123456789abcdef"u8;

    /// <summary>
    /// Appends <paramref name="utf8"/> as a quoted JSON string. Bytes that are not valid UTF-8 are first replaced
    /// by U+FFFD, one per maximal ill-formed subsequence, as Rust's <c>String::from_utf8_lossy</c> does.
    /// </summary>
    /// <param name="output">Where the bytes go.</param>
    /// <param name="utf8">The text, in UTF-8; may contain U+0000.</param>
    /// <exception cref="ArgumentNullException"><paramref name="output"/> is null.</exception>
    public static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> utf8)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!Utf8.IsValid(utf8))
        {
            // Encoding.UTF8 replaces each maximal ill-formed subsequence by one U+FFFD, as from_utf8_lossy does.
            WriteValid(output, Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(utf8)));
            return;
        }

        WriteValid(output, utf8);
    }

    private static void WriteValid(IBufferWriter<byte> output, ReadOnlySpan<byte> utf8)
    {
        output.Write("\""u8);
        while (true)
        {
            var next = utf8.IndexOfAny(Escaped);
            if (next < 0)
            {
                output.Write(utf8);
                break;
            }

            output.Write(utf8[..next]);
            AppendEscape(output, utf8[next]);
            utf8 = utf8[(next + 1)..];
        }

        output.Write("\""u8);
    }

    private static void AppendEscape(IBufferWriter<byte> output, byte c)
    {
        switch (c)
        {
            case (byte)'"': output.Write("\\\""u8); break;
            case (byte)'\\': output.Write("\\\\"u8); break;
            case (byte)'\b': output.Write("\\b"u8); break;
            case (byte)'\t': output.Write("\\t"u8); break;
            case (byte)'\n': output.Write("\\n"u8); break;
            case (byte)'\f': output.Write("\\f"u8); break;
            case (byte)'\r': output.Write("\\r"u8); break;
            default:
                var span = output.GetSpan(6);
                "\\u00"u8.CopyTo(span);
                span[4] = Hex[c >> 4];
                span[5] = Hex[c & 0xF];
                output.Advance(6);
                break;
        }
    }
}
