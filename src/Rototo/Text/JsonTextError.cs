using System.Text;
using System.Text.Json;

namespace Rototo.Text;

/// <summary>
/// Where a JSON parse error is in the text a person typed, in their terms: one-based line and column in characters
/// (System.Text.Json counts lines from zero and columns in UTF-8 bytes), the line itself, and what is wrong without
/// the reader's position suffix (<c>LineNumber: 0 | BytePositionInLine: 17.</c>) or its terms.
/// </summary>
/// <param name="Line">One-based line.</param>
/// <param name="Column">One-based column, in characters (UTF-16 code units).</param>
/// <param name="LineText">The text of that line (without its line break).</param>
/// <param name="Message">What is wrong, e.g. <c>'}' is invalid after a property name. Expected a ':'.</c></param>
public sealed record JsonTextError(int Line, int Column, string LineText, string Message)
{
    /// <summary>Places a <see cref="JsonException"/> thrown while parsing <paramref name="text"/>.</summary>
    /// <param name="text">The parsed text.</param>
    /// <param name="error">The parser's exception.</param>
    /// <returns>The error's place and description.</returns>
    public static JsonTextError From(string text, JsonException error)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(error);
        var lines = text.Split('\n');
        var line = (int)Math.Clamp(error.LineNumber ?? 0, 0, lines.Length - 1);
        var lineText = lines[line].TrimEnd('\r');
        var bytes = Encoding.UTF8.GetBytes(lineText);
        var byteColumn = (int)Math.Clamp(error.BytePositionInLine ?? 0, 0, bytes.Length);
        return new JsonTextError(line + 1, Encoding.UTF8.GetCharCount(bytes, 0, byteColumn) + 1, lineText, Describe(error.Message));
    }

    /// <summary>The line with a caret under the column, as three lines: <c>  |</c>, <c>1 | {text}</c>, <c>  |  ^</c>.</summary>
    /// <returns>The snippet's lines.</returns>
    public IReadOnlyList<string> Snippet()
    {
        var number = Line.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var gutter = new string(' ', number.Length);
        return [$" {gutter} |", $" {number} | {LineText}", $" {gutter} | {new string(' ', Column - 1)}^"];
    }

    private static string Describe(string message)
    {
        foreach (var suffix in new[] { " LineNumber:", " Path:" })
        {
            var at = message.IndexOf(suffix, StringComparison.Ordinal);
            if (at >= 0)
            {
                message = message[..at];
            }
        }
        return message.StartsWith("Expected depth to be zero", StringComparison.Ordinal)
            ? "the text ends before every object and array is closed."
            : message;
    }
}
