using Rototo.LanguageServer.Protocol;
using Range = Rototo.LanguageServer.Protocol.Range;
using Rototo.Text;

namespace Rototo.LanguageServer.Navigation;

/// <summary>Positions, offsets, paths and URIs between the LSP and the workspace model.</summary>
internal static class Conversions
{
    public static readonly Range ZeroRange = new(new Position(0, 0), new Position(0, 0));

    public static Position Position(TextPosition position) => new(position.Line, position.Character);

    public static Range Range(TextRange range) => new(Position(range.Start), Position(range.End));

    public static Range Range(SourceText source, TextSpan span) => Range(source.RangeOf(span));

    /// <summary>The UTF-16 offset of a line/character position, clamped to the text.</summary>
    public static int Offset(string text, Position position)
    {
        var offset = 0;
        for (var line = 0; line < position.Line; line++)
        {
            var newline = text.IndexOf('\n', offset);
            if (newline < 0)
            {
                return text.Length;
            }
            offset = newline + 1;
        }
        var end = text.IndexOf('\n', offset);
        return Math.Min(offset + position.Character, end < 0 ? text.Length : end);
    }

    /// <summary>The local path of a <c>file:</c> URI, or null for other schemes.</summary>
    public static string? PathOf(string uri) =>
        System.Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.IsFile ? System.IO.Path.GetFullPath(parsed.LocalPath) : null;

    public static string UriOf(string path) => new System.Uri(path).AbsoluteUri;
}
