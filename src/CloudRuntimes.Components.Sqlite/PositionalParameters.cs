using System.Globalization;
using System.Text;

namespace CloudRuntimes.Components.Sqlite;

/// <summary>
/// Numbers SQLite's anonymous <c>?</c> parameters (<c>?</c> → <c>?1</c>, <c>?2</c>, ...; an explicit <c>?NNN</c>
/// keeps its number and the next <c>?</c> continues after the largest so far, as SQLite numbers them), so they can
/// be bound by name. Text inside string literals, quoted identifiers and comments is left alone.
/// </summary>
internal static class PositionalParameters
{
    public static string Number(string sql)
    {
        var result = new StringBuilder(sql.Length + 8);
        var largest = 0;
        for (var i = 0; i < sql.Length; i++)
        {
            var c = sql[i];
            if (c is '\'' or '"' or '`' or '[')
            {
                var close = c == '[' ? ']' : c;
                var end = sql.IndexOf(close, i + 1);
                end = end < 0 ? sql.Length - 1 : end;
                result.Append(sql, i, end - i + 1);
                i = end;
            }
            else if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                var end = sql.IndexOf('\n', i);
                end = end < 0 ? sql.Length - 1 : end;
                result.Append(sql, i, end - i + 1);
                i = end;
            }
            else if (c == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                var end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                end = end < 0 ? sql.Length - 1 : end + 1;
                result.Append(sql, i, end - i + 1);
                i = end;
            }
            else if (c == '?')
            {
                var digits = i + 1;
                while (digits < sql.Length && char.IsAsciiDigit(sql[digits]))
                {
                    digits++;
                }
                var number = digits > i + 1 ? int.Parse(sql.AsSpan(i + 1, digits - i - 1), CultureInfo.InvariantCulture) : largest + 1;
                largest = Math.Max(largest, number);
                result.Append('?').Append(number.ToString(CultureInfo.InvariantCulture));
                i = digits - 1;
            }
            else
            {
                result.Append(c);
            }
        }
        return result.ToString();
    }
}
