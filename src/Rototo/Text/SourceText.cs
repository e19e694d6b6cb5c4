namespace Rototo.Text;

/// <summary>A zero-based position: line and UTF-16 code unit offset within the line (LSP convention).</summary>
/// <param name="Line">Zero-based line number.</param>
/// <param name="Character">Zero-based UTF-16 code unit offset within the line.</param>
public readonly record struct TextPosition(int Line, int Character);

/// <summary>A half-open range of a document: <see cref="Start"/> inclusive, <see cref="End"/> exclusive.</summary>
/// <param name="Start">First position covered.</param>
/// <param name="End">First position after the range.</param>
public readonly record struct TextRange(TextPosition Start, TextPosition End);

/// <summary>A span of source text in UTF-16 offsets, half-open.</summary>
internal readonly record struct TextSpan(int Start, int End)
{
    public bool IsEmpty => End <= Start;
}

/// <summary>Maps UTF-16 offsets of a text to line/character positions.</summary>
internal sealed class SourceText
{
    private readonly int[] _lineStarts;

    public SourceText(string text)
    {
        Text = text;
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                starts.Add(i + 1);
            }
        }
        _lineStarts = [.. starts];
    }

    public string Text { get; }

    public TextPosition PositionAt(int offset)
    {
        offset = Math.Clamp(offset, 0, Text.Length);
        var line = Array.BinarySearch(_lineStarts, offset);
        if (line < 0)
        {
            line = ~line - 1;
        }
        return new TextPosition(line, offset - _lineStarts[line]);
    }

    public TextRange RangeOf(TextSpan span) => new(PositionAt(span.Start), PositionAt(span.End));

    /// <summary>The span from <paramref name="offset"/> through the next line feed (inclusive), or to the end of the text.</summary>
    public TextSpan ToEndOfLine(int offset)
    {
        offset = Math.Clamp(offset, 0, Text.Length);
        var newline = Text.IndexOf('\n', offset);
        return new TextSpan(offset, newline < 0 ? Text.Length : newline + 1);
    }
}
