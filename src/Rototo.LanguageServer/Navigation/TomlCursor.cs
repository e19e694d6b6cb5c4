using Rototo.Text;
using Rototo.Toml;

namespace Rototo.LanguageServer.Navigation;

/// <summary>The innermost TOML value at a text offset and the key path that leads to it (keys and array indexes).</summary>
/// <param name="Path">Keys (string) and array indexes (int) from the root.</param>
/// <param name="Node">The value.</param>
/// <param name="Entry">When the offset is on a table entry's key (not its value), that entry.</param>
internal sealed record TomlCursor(IReadOnlyList<object> Path, TomlNode Node, TomlEntry? Entry)
{
    /// <summary>The string value under the cursor, or null.</summary>
    public string? Text => Entry is null && Node is TomlScalarNode { Kind: TomlScalarKind.String } s ? s.Text : null;

    /// <summary>True when <see cref="Path"/> is exactly the given pattern, where <c>null</c> matches any array index.</summary>
    public bool Is(params object?[] pattern) =>
        Path.Count == pattern.Length && pattern.Select((p, i) => p is null ? Path[i] is int : p.Equals(Path[i])).All(m => m);

    /// <summary>
    /// Finds the innermost value at <paramref name="offset"/> (a cursor right after a value still counts as on it).
    /// Searches every table, not only the ones whose span contains the offset: a <c>[[resolve.rule]]</c> table lies
    /// outside the span of its <c>[resolve]</c> parent.
    /// </summary>
    public static TomlCursor? At(TomlTableNode root, int offset) => Find(root, offset, []);

    private static TomlCursor? Find(TomlNode node, int offset, List<object> path)
    {
        switch (node)
        {
            case TomlTableNode table:
                foreach (var entry in table.Entries)
                {
                    if (Find(entry.Value, offset, [.. path, entry.Key]) is { } inner)
                    {
                        return inner;
                    }
                    if (Contains(entry.ItemSpan, offset) && entry.Value is not TomlTableNode and not TomlArrayNode { IsTableArray: true })
                    {
                        return new TomlCursor([.. path, entry.Key], entry.Value, entry);
                    }
                }
                return null;
            case TomlArrayNode array:
                for (var i = 0; i < array.Items.Count; i++)
                {
                    if (Find(array.Items[i], offset, [.. path, i]) is { } inner)
                    {
                        return inner;
                    }
                }
                return !array.IsTableArray && Contains(array.Span, offset) ? new TomlCursor(path, array, null) : null;
            default:
                return Contains(node.Span, offset) ? new TomlCursor(path, node, null) : null;
        }
    }

    private static bool Contains(TextSpan span, int offset) => !span.IsEmpty && span.Start <= offset && offset <= span.End;
}
