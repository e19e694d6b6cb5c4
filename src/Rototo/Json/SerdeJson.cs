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

    /// <summary>
    /// Writes, pretty, exactly what <see cref="Pretty"/> prints for <paramref name="head"/> with one more property
    /// <paramref name="key"/> holding the array <paramref name="items"/>, then <paramref name="tail"/>'s properties — but
    /// each item is built and written one at a time, so the memory this takes is one item's, however long the array.
    /// </summary>
    /// <param name="output">Receives the text, one item's text per write; no trailing newline.</param>
    /// <param name="head">The properties before the array, in order.</param>
    /// <param name="key">The array property's name.</param>
    /// <param name="items">The array's items, enumerated once.</param>
    /// <param name="tail">The properties after the array, in order; null for none.</param>
    public static void PrettyStreamed(TextWriter output, JsonObject head, string key, IEnumerable<JsonNode?> items, JsonObject? tail = null)
    {
        var builder = new StringBuilder();
        var writer = new Writer(builder, pretty: true);
        void Flush()
        {
            output.Write(builder);
            builder.Clear();
        }
        Action Member(KeyValuePair<string, JsonNode?> property) => () => writer.Property(property.Key, () => writer.Node(property.Value));
        var properties = head.Select(Member)
            .Append(() => writer.Property(key, () => writer.Container('[', ']', items.Select(i => (Action)(() => writer.Node(i))), Flush)))
            .Concat((tail ?? []).Select(Member));
        writer.Container('{', '}', properties);
        Flush();
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
                    Container('{', '}', SortedProperties(value).Select(p => (Action)(() => Property(p.Key, () => Element(p.Value)))));
                    break;
                case JsonValueKind.Array:
                    Container('[', ']', value.EnumerateArray().Select(i => (Action)(() => Element(i))));
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
                    Container('{', '}', obj.ToList().Select(p => (Action)(() => Property(p.Key, () => Node(p.Value)))));
                    break;
                case JsonArray array:
                    Container('[', ']', array.ToList().Select(i => (Action)(() => Node(i))));
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

        /// <summary>Writes <paramref name="open"/>, the items comma-separated (one per line when pretty), <paramref name="close"/>; <paramref name="written"/> runs after each item.</summary>
        public void Container(char open, char close, IEnumerable<Action> items, Action? written = null)
        {
            builder.Append(open);
            _depth++;
            var any = false;
            foreach (var item in items)
            {
                if (any)
                {
                    builder.Append(',');
                }
                any = true;
                NewLine();
                item();
                written?.Invoke();
            }
            _depth--;
            if (any)
            {
                NewLine();
            }
            builder.Append(close);
        }

        /// <summary>Writes <c>"name": </c> then the value.</summary>
        public void Property(string name, Action value)
        {
            AppendString(builder, name);
            builder.Append(pretty ? ": " : ":");
            value();
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
