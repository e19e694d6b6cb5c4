using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Rototo.Lint.Custom;

/// <summary>
/// Writes JSON as Lua source (a table constructor), so that the host never builds Lua values through the C API:
/// arrays become 1-based sequences, JSON null becomes the identifier <c>null</c> (bound to a light userdata, §10.1).
/// </summary>
internal static class LuaLiteral
{
    /// <summary>A Lua string literal with every byte outside printable ASCII escaped as <c>\ddd</c>.</summary>
    /// <param name="value">The text (written as UTF-8).</param>
    /// <returns>The literal, quotes included.</returns>
    public static string String(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is >= 0x20 and < 0x7f && b != '"' && b != '\\')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('\\').Append(b.ToString("D3", CultureInfo.InvariantCulture));
            }
        }
        return builder.Append('"').ToString();
    }

    /// <summary>The JSON value as a Lua expression.</summary>
    /// <param name="value">Any JSON value.</param>
    /// <returns>Lua source.</returns>
    public static string Of(JsonElement value)
    {
        var builder = new StringBuilder();
        Write(builder, value);
        return builder.ToString();
    }

    /// <summary>Appends the JSON value as a Lua expression.</summary>
    /// <param name="builder">Where to write.</param>
    /// <param name="value">Any JSON value.</param>
    public static void Write(StringBuilder builder, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                builder.Append('{');
                foreach (var property in value.EnumerateObject())
                {
                    builder.Append('[').Append(String(property.Name)).Append("]=");
                    Write(builder, property.Value);
                    builder.Append(',');
                }
                builder.Append('}');
                break;
            case JsonValueKind.Array:
                builder.Append('{');
                foreach (var item in value.EnumerateArray())
                {
                    Write(builder, item);
                    builder.Append(',');
                }
                builder.Append('}');
                break;
            case JsonValueKind.String:
                builder.Append(String(value.GetString()!));
                break;
            case JsonValueKind.Number:
                // serde_json's number text (integers stay integers, floats keep a '.' or an exponent) is Lua syntax too.
                builder.Append(Json.JsonNumber.Read(value).ToString());
                break;
            case JsonValueKind.True or JsonValueKind.False:
                builder.Append(value.GetBoolean() ? "true" : "false");
                break;
            default:
                builder.Append("null");
                break;
        }
    }
}
