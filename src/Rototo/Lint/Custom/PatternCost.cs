namespace Rototo.Lint.Custom;

/// <summary>
/// An upper bound of the work Lua's pattern matcher can do for one call (Lua 5.4 manual §6.4.1), used to refuse a
/// call before it starts: the matcher backtracks inside one C call, where no hook runs. The pattern is read item by
/// item as the matcher reads it; from the last item to the first, the steps of "this item and the rest" are:
/// a capture or frontier adds its own length; <c>%b</c> and a back-reference scan up to the subject (n + 1);
/// a single-character class of length L adds L, with <c>?</c> tries the rest twice, with <c>*</c>, <c>+</c> or
/// <c>-</c> tries the rest and the class at each of n + 1 positions. An unanchored search is counted as starting twice
/// at each of the n + 1 positions (<c>gmatch</c> and <c>gsub</c> may retry a position after an empty match).
/// </summary>
internal static class PatternCost
{
    /// <summary>The worst-case steps of matching <paramref name="pattern"/> against a subject of <paramref name="subjectLength"/> bytes.</summary>
    /// <param name="pattern">The pattern's bytes.</param>
    /// <param name="subjectLength">The subject's length in bytes.</param>
    /// <param name="anchorable">True for find/match/gsub, where a leading <c>^</c> anchors the match at one position.</param>
    /// <returns>The bound (may be infinity).</returns>
    public static double Steps(ReadOnlySpan<byte> pattern, double subjectLength, bool anchorable)
    {
        var positions = subjectLength + 1;
        var anchored = anchorable && pattern.Length > 0 && pattern[0] == (byte)'^';
        var items = Items(anchored ? pattern[1..] : pattern);
        double rest = 1;
        for (var i = items.Count - 1; i >= 0; i--)
        {
            var (kind, length) = items[i];
            rest = kind switch
            {
                ItemKind.Scan => positions + rest,
                ItemKind.Optional => length + (2 * rest),
                ItemKind.Repeated => positions * (length + rest),
                _ => length + rest,
            };
        }
        return (anchored ? 1 : 2 * positions) * rest;
    }

    private enum ItemKind
    {
        /// <summary>Matched once: a capture, a frontier, a class without quantifier, the final <c>$</c>.</summary>
        Once,

        /// <summary><c>%b</c> or a back-reference: a scan of up to the whole subject.</summary>
        Scan,

        /// <summary>A class followed by <c>?</c>.</summary>
        Optional,

        /// <summary>A class followed by <c>*</c>, <c>+</c> or <c>-</c>.</summary>
        Repeated,
    }

    /// <summary>The pattern's items with their length in the pattern; stops at a malformed item (the matcher raises an error there).</summary>
    private static List<(ItemKind Kind, int Length)> Items(ReadOnlySpan<byte> p)
    {
        var items = new List<(ItemKind, int)>();
        var i = 0;
        while (i < p.Length)
        {
            switch (p[i])
            {
                case (byte)'(':
                case (byte)')':
                    items.Add((ItemKind.Once, 1));
                    i++;
                    continue;
                case (byte)'$' when i + 1 == p.Length:
                    items.Add((ItemKind.Once, 1));
                    i++;
                    continue;
                case (byte)'%' when i + 1 < p.Length && p[i + 1] == (byte)'b':
                    if (i + 3 >= p.Length)
                    {
                        return items;
                    }
                    items.Add((ItemKind.Scan, 4));
                    i += 4;
                    continue;
                case (byte)'%' when i + 1 < p.Length && p[i + 1] == (byte)'f':
                    if (i + 2 >= p.Length || p[i + 2] != (byte)'[' || ClassEnd(p, i + 2) is not { } frontierEnd)
                    {
                        return items;
                    }
                    items.Add((ItemKind.Once, frontierEnd - i));
                    i = frontierEnd;
                    continue;
                case (byte)'%' when i + 1 < p.Length && p[i + 1] is >= (byte)'0' and <= (byte)'9':
                    items.Add((ItemKind.Scan, 2));
                    i += 2;
                    continue;
            }
            if (ClassEnd(p, i) is not { } end)
            {
                return items;
            }
            var kind = end < p.Length ? p[end] switch
            {
                (byte)'?' => ItemKind.Optional,
                (byte)'*' or (byte)'+' or (byte)'-' => ItemKind.Repeated,
                _ => ItemKind.Once,
            } : ItemKind.Once;
            items.Add((kind, end - i));
            i = kind == ItemKind.Once ? end : end + 1;
        }
        return items;
    }

    /// <summary>Where the single-character class at <paramref name="start"/> ends (<c>x</c>, <c>%x</c>, <c>[set]</c>); null when malformed.</summary>
    private static int? ClassEnd(ReadOnlySpan<byte> p, int start)
    {
        var i = start;
        if (p[i] == (byte)'%')
        {
            return i + 1 < p.Length ? i + 2 : null;
        }
        if (p[i] != (byte)'[')
        {
            return i + 1;
        }
        i++;
        if (i < p.Length && p[i] == (byte)'^')
        {
            i++;
        }
        // The first character of a set is never its end, so "[]]" is a set holding ']'.
        do
        {
            if (i >= p.Length)
            {
                return null;
            }
            if (p[i++] == (byte)'%' && i < p.Length)
            {
                i++;
            }
        }
        while (i >= p.Length || p[i] != (byte)']');
        return i + 1;
    }
}
