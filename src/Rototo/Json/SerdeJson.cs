using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rototo.Json;

/// <summary>
/// Writes JSON exactly as rototo (serde_json) prints it, compact or pretty (2-space indent).
/// Two kinds of input: a <see cref="JsonElement"/> is a <em>value</em> (context, TOML data, resource object):
/// its object keys are sorted by UTF-8 byte order, duplicate keys keep the last, numbers keep their integer
/// or float identity. A <see cref="JsonObject"/> is a <em>report</em> shape and keeps insertion order.
/// </summary>
internal static class SerdeJson
{
    public static string Compact(JsonElement value)
    {
        var builder = new StringBuilder();
        new Writer(builder, pretty: false).Element(value);
        return builder.ToString();
    }

    public static string Compact(JsonNode? node)
    {
        var builder = new StringBuilder();
        new Writer(builder, pretty: false).Node(node);
        return builder.ToString();
    }

    public static string Pretty(JsonNode? node)
    {
        var builder = new StringBuilder();
        new Writer(builder, pretty: true).Node(node);
        return builder.ToString();
    }

    /// <summary>Wraps a value element for a report node: the writer prints it as a value (sorted keys, canonical numbers).</summary>
    public static JsonValue Value(JsonElement element) => JsonValue.Create(new ValueElement(element), RototoJson.Default.ValueElement)!;

    /// <summary>Appends a JSON string literal with serde_json's escaping (only quote, backslash and control characters).</summary>
    public static void AppendString(StringBuilder builder, string value)
    {
        builder.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                default:
                    if (c < 0x20)
                    {
                        builder.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }
                    break;
            }
        }
        builder.Append('"');
    }

    /// <summary>Object properties of a value in serde_json order: last duplicate wins, keys sorted by UTF-8 bytes.</summary>
    public static List<KeyValuePair<string, JsonElement>> SortedProperties(JsonElement value)
    {
        var map = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            map[property.Name] = property.Value;
        }
        var list = map.ToList();
        list.Sort((a, b) => Utf8Order.Compare(a.Key, b.Key));
        return list;
    }

    private sealed class Writer(StringBuilder builder, bool pretty)
    {
        private int _depth;

        public void Element(JsonElement value)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.Object:
                    var properties = SortedProperties(value);
                    Container('{', '}', properties.Count, i =>
                    {
                        AppendString(builder, properties[i].Key);
                        builder.Append(pretty ? ": " : ":");
                        Element(properties[i].Value);
                    });
                    break;
                case JsonValueKind.Array:
                    var items = value.EnumerateArray().ToList();
                    Container('[', ']', items.Count, i => Element(items[i]));
                    break;
                case JsonValueKind.String:
                    AppendString(builder, value.GetString()!);
                    break;
                case JsonValueKind.Number:
                    builder.Append(JsonNumber.Read(value).ToString());
                    break;
                case JsonValueKind.True:
                    builder.Append("true");
                    break;
                case JsonValueKind.False:
                    builder.Append("false");
                    break;
                default:
                    builder.Append("null");
                    break;
            }
        }

        public void Node(JsonNode? node)
        {
            switch (node)
            {
                case null:
                    builder.Append("null");
                    break;
                case JsonObject obj:
                    var properties = obj.ToList();
                    Container('{', '}', properties.Count, i =>
                    {
                        AppendString(builder, properties[i].Key);
                        builder.Append(pretty ? ": " : ":");
                        Node(properties[i].Value);
                    });
                    break;
                case JsonArray array:
                    Container('[', ']', array.Count, i => Node(array[i]));
                    break;
                case JsonValue value when value.TryGetValue<ValueElement>(out var boxed):
                    Element(boxed.Element);
                    break;
                case JsonValue value when value.TryGetValue<JsonElement>(out var element):
                    Element(element);
                    break;
                case JsonValue value when value.TryGetValue<string>(out var text):
                    AppendString(builder, text);
                    break;
                case JsonValue value when value.TryGetValue<bool>(out var flag):
                    builder.Append(flag ? "true" : "false");
                    break;
                case JsonValue value when value.TryGetValue<long>(out var integer):
                    builder.Append(integer.ToString(CultureInfo.InvariantCulture));
                    break;
                case JsonValue value when value.TryGetValue<int>(out var small):
                    builder.Append(small.ToString(CultureInfo.InvariantCulture));
                    break;
                case JsonValue value when value.TryGetValue<ulong>(out var big):
                    builder.Append(big.ToString(CultureInfo.InvariantCulture));
                    break;
                case JsonValue value when value.TryGetValue<double>(out var real):
                    builder.Append(SerdeFloat.Format(real));
                    break;
                default:
                    Element(JsonSerializer.SerializeToElement(node, RototoJson.Default.JsonNode));
                    break;
            }
        }

        private void Container(char open, char close, int count, Action<int> item)
        {
            builder.Append(open);
            if (count == 0)
            {
                builder.Append(close);
                return;
            }
            _depth++;
            for (var i = 0; i < count; i++)
            {
                if (i > 0)
                {
                    builder.Append(',');
                }
                NewLine();
                item(i);
            }
            _depth--;
            NewLine();
            builder.Append(close);
        }

        private void NewLine()
        {
            if (pretty)
            {
                builder.Append('\n').Append(' ', _depth * 2);
            }
        }
    }
}

/// <summary>Orders strings by their UTF-8 bytes, which is how Rust's <c>String</c> ordering (and rototo's sorting) works.</summary>
internal sealed class Utf8Order : IComparer<string>
{
    public static readonly Utf8Order Instance = new();

    public static int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }
        if (x is null)
        {
            return -1;
        }
        if (y is null)
        {
            return 1;
        }
        // Ordinal UTF-16 order equals UTF-8 byte order except for surrogates vs U+E000..U+FFFF.
        var length = Math.Min(x.Length, y.Length);
        for (var i = 0; i < length; i++)
        {
            var a = x[i];
            var b = y[i];
            if (a == b)
            {
                continue;
            }
            return Weight(a).CompareTo(Weight(b));
        }
        return x.Length.CompareTo(y.Length);
    }

    int IComparer<string>.Compare(string? x, string? y) => Compare(x, y);

    private static int Weight(char c) => char.IsSurrogate(c) ? c + 0x10000 : c;
}
