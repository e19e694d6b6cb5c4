using System.Buffers;
using System.Text.Json;
using Rototo.Json;
using Rototo.Text;

namespace Rototo.Toml;

/// <summary>A TOML value with its source span, converted to JSON on demand (§2.3).</summary>
internal abstract class TomlNode(TextSpan span)
{
    private JsonElement? _json;

    /// <summary>The value's text: strings include their quotes, tables and arrays their whole text.</summary>
    public TextSpan Span { get; internal set; } = span;

    /// <summary>
    /// The value as JSON: integers stay integers, floats stay floats, non-finite floats become null, keys sorted.
    /// The parser refuses files that nest deeper than <see cref="NestingLimits.Toml"/>, the depth written and read here.
    /// </summary>
    public JsonElement ToJson()
    {
        if (_json is { } cached)
        {
            return cached;
        }
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { MaxDepth = NestingLimits.Toml }))
        {
            Write(writer);
        }
        using var document = JsonDocument.Parse(buffer.WrittenMemory, new JsonDocumentOptions { MaxDepth = NestingLimits.Toml });
        var element = document.RootElement.Clone();
        _json = element;
        return element;
    }

    /// <summary>The TOML type name used in messages ("string", "integer", "float", "boolean", "array", "table").</summary>
    public abstract string TypeName { get; }

    internal abstract void Write(Utf8JsonWriter writer);
}

/// <summary>A key of a table with the span of its whole <c>key = value</c> item (or table header).</summary>
internal sealed record TomlEntry(string Key, TomlNode Value, TextSpan ItemSpan);

/// <summary>
/// A table: its entries in the order their keys first appeared (a key set again keeps its place). Past
/// <see cref="IndexedFrom"/> entries a key index makes lookup and insertion O(1), so a file of n keys builds in O(n);
/// small tables, by far the most common, scan their few entries instead of carrying a dictionary.
/// </summary>
internal sealed class TomlTableNode(TextSpan span) : TomlNode(span)
{
    private const int IndexedFrom = 8;

    private readonly List<TomlEntry> _entries = [];
    private Dictionary<string, int>? _positions;

    public IReadOnlyList<TomlEntry> Entries => _entries;

    public override string TypeName => "table";

    public TomlNode? this[string key] => TryGet(key, out var entry) ? entry.Value : null;

    public bool TryGet(string key, out TomlEntry entry)
    {
        var index = IndexOf(key);
        entry = index >= 0 ? _entries[index] : null!;
        return index >= 0;
    }

    internal void Set(TomlEntry entry)
    {
        var index = IndexOf(entry.Key);
        if (index >= 0)
        {
            _entries[index] = entry;
            return;
        }
        _entries.Add(entry);
        if (_positions is not null)
        {
            _positions.Add(entry.Key, _entries.Count - 1);
        }
        else if (_entries.Count > IndexedFrom)
        {
            _positions = new Dictionary<string, int>(_entries.Count * 2, StringComparer.Ordinal);
            for (var i = 0; i < _entries.Count; i++)
            {
                _positions.Add(_entries[i].Key, i);
            }
        }
    }

    private int IndexOf(string key)
    {
        if (_positions is not null)
        {
            return _positions.GetValueOrDefault(key, -1);
        }
        for (var i = 0; i < _entries.Count; i++)
        {
            if (_entries[i].Key == key)
            {
                return i;
            }
        }
        return -1;
    }

    internal override void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        foreach (var entry in _entries.OrderBy(e => e.Key, Utf8Order.Instance))
        {
            writer.WritePropertyName(entry.Key);
            entry.Value.Write(writer);
        }
        writer.WriteEndObject();
    }
}

internal sealed class TomlArrayNode(TextSpan span, bool isTableArray) : TomlNode(span)
{
    public List<TomlNode> Items { get; } = [];

    /// <summary>True for an array of tables declared with <c>[[header]]</c> sections.</summary>
    public bool IsTableArray { get; } = isTableArray;

    public override string TypeName => "array";

    internal override void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartArray();
        foreach (var item in Items)
        {
            item.Write(writer);
        }
        writer.WriteEndArray();
    }
}

internal enum TomlScalarKind
{
    String,
    Integer,
    Float,
    Boolean,
}

internal sealed class TomlScalarNode : TomlNode
{
    private TomlScalarNode(TextSpan span, TomlScalarKind kind, string? text, long integer, double real, bool boolean)
        : base(span)
    {
        Kind = kind;
        Text = text;
        Integer = integer;
        Real = real;
        Boolean = boolean;
    }

    public TomlScalarKind Kind { get; }

    public string? Text { get; }

    public long Integer { get; }

    public double Real { get; }

    public bool Boolean { get; }

    public override string TypeName => Kind switch
    {
        TomlScalarKind.String => "string",
        TomlScalarKind.Integer => "integer",
        TomlScalarKind.Float => "float",
        _ => "boolean",
    };

    public static TomlScalarNode String(TextSpan span, string value) => new(span, TomlScalarKind.String, value, 0, 0, false);

    public static TomlScalarNode Int(TextSpan span, long value) => new(span, TomlScalarKind.Integer, null, value, 0, false);

    public static TomlScalarNode Float(TextSpan span, double value) => new(span, TomlScalarKind.Float, null, 0, value, false);

    public static TomlScalarNode Bool(TextSpan span, bool value) => new(span, TomlScalarKind.Boolean, null, 0, 0, value);

    internal override void Write(Utf8JsonWriter writer)
    {
        switch (Kind)
        {
            case TomlScalarKind.String:
                writer.WriteStringValue(Text);
                break;
            case TomlScalarKind.Integer:
                writer.WriteNumberValue(Integer);
                break;
            case TomlScalarKind.Float:
                if (double.IsFinite(Real))
                {
                    writer.WriteRawValue(SerdeFloat.Format(Real));
                }
                else
                {
                    writer.WriteNullValue();
                }
                break;
            default:
                writer.WriteBooleanValue(Boolean);
                break;
        }
    }
}
