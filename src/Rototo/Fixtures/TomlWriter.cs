using System.Globalization;
using System.Text;
using System.Text.Json;
using Rototo.Json;

namespace Rototo.Fixtures;

/// <summary>Writes the TOML of fixture files: keys, basic strings, and JSON values as TOML values (objects as inline tables).</summary>
internal static class TomlWriter
{
    /// <summary>A key, bare when it may be (<c>A-Za-z0-9_-</c>), else quoted.</summary>
    public static string Key(string key) =>
        key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') ? key : String(key);

    /// <summary>A TOML basic string.</summary>
    public static string String(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\b' => "\\b",
                '\f' => "\\f",
                _ when char.IsControl(c) => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            });
        }
        return builder.Append('"').ToString();
    }

    /// <summary>A JSON value as TOML (object keys in byte order, like every value rototo prints); JSON null has no TOML form.</summary>
    /// <exception cref="RototoException">The value contains a null.</exception>
    public static string Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => String(value.GetString()!),
        JsonValueKind.Number => Number(value),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Array => "[" + string.Join(", ", value.EnumerateArray().Select(Value)) + "]",
        JsonValueKind.Object => "{ " + string.Join(", ", SerdeJson.SortedProperties(value).Select(p => $"{Key(p.Key)} = {Value(p.Value)}")) + " }",
        _ => throw new RototoException(RototoErrorCode.Workspace, "a JSON null cannot be written to a fixture file"),
    };

    private static string Number(JsonElement value)
    {
        var number = JsonNumber.Read(value);
        if (number.IsInteger)
        {
            return number.ToString();
        }
        if (double.IsNaN(number.Real))
        {
            return "nan";
        }
        if (double.IsInfinity(number.Real))
        {
            return number.Real > 0 ? "inf" : "-inf";
        }
        return number.Real.ToString("R", CultureInfo.InvariantCulture) is var text && (text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal))
            ? text.Replace("E+", "e", StringComparison.Ordinal).Replace("E", "e", StringComparison.Ordinal)
            : text + ".0";
    }
}
