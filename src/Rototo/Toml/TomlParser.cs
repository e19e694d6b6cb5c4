using Rototo.Json;
using Rototo.Text;
using Tomlyn;
using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace Rototo.Toml;

/// <summary>A TOML parse failure: what is wrong and the offset where it starts (null when Tomlyn does not say).</summary>
internal sealed record TomlParseError(string Message, int? Offset);

/// <summary>
/// Parses TOML with Tomlyn's syntax parser and builds a value tree that keeps source spans.
/// Date/time values are refused (rototo's TOML reader has no date-time support, §2.3), and so are files whose
/// tables and arrays nest deeper than <see cref="NestingLimits.Toml"/> (inline arrays and tables, dotted keys and
/// table headers alike).
/// </summary>
internal static class TomlParser
{
    private static readonly TomlSerializerOptions Options = new() { MaxDepth = NestingLimits.Toml };

    private static readonly string TooDeep = $"tables and arrays nest deeper than {NestingLimits.Toml} levels";

    public static TomlTableNode Parse(string text, out TomlParseError? error)
    {
        error = null;
        DocumentSyntax document;
        try
        {
            document = SyntaxParser.Parse(text, Options, null, true);
        }
        catch (TomlException)
        {
            // Tomlyn reports syntax errors as diagnostics; it throws, without a position, when inline arrays and
            // tables nest past its depth, which counts the root table as this parser does.
            error = new TomlParseError(TooDeep, null);
            return new TomlTableNode(new TextSpan(0, text.Length));
        }
        if (document.HasErrors)
        {
            var first = document.Diagnostics.First(d => d.Kind == DiagnosticMessageKind.Error);
            error = new TomlParseError(first.Message, first.Span.Start.Offset);
            return new TomlTableNode(new TextSpan(0, text.Length));
        }

        var builder = new Builder(text.Length);
        try
        {
            builder.Build(document);
        }
        catch (UnsupportedTomlException unsupported)
        {
            error = new TomlParseError(unsupported.Message, unsupported.Offset);
            return builder.Root;
        }
        if (FirstTooDeep(builder.Root, 1) is { } deep)
        {
            error = new TomlParseError(TooDeep, deep.Span.Start);
        }
        return builder.Root;
    }

    /// <summary>The first table or array under <paramref name="node"/> (at <paramref name="depth"/>, the root being 1) deeper than the limit.</summary>
    private static TomlNode? FirstTooDeep(TomlNode node, int depth) => node switch
    {
        TomlTableNode or TomlArrayNode when depth > NestingLimits.Toml => node,
        TomlTableNode table => table.Entries.Select(e => FirstTooDeep(e.Value, depth + 1)).FirstOrDefault(n => n is not null),
        TomlArrayNode array => array.Items.Select(i => FirstTooDeep(i, depth + 1)).FirstOrDefault(n => n is not null),
        _ => null,
    };

    private sealed class UnsupportedTomlException(string message, int offset) : Exception(message)
    {
        public int Offset { get; } = offset;
    }

    private sealed class Builder(int length)
    {
        public TomlTableNode Root { get; } = new(new TextSpan(0, length));

        public void Build(DocumentSyntax document)
        {
            foreach (var keyValue in document.KeyValues)
            {
                AddKeyValue(Root, keyValue);
            }
            foreach (var table in document.Tables)
            {
                AddTable(table);
            }
        }

        private void AddTable(TableSyntaxBase table)
        {
            var path = KeyPath(table.Name!);
            var parent = Root;
            for (var i = 0; i < path.Count - 1; i++)
            {
                parent = Descend(parent, path[i], SpanOf(table));
            }

            var node = new TomlTableNode(HeaderTableSpan(table));
            var last = path[^1];
            if (table is TableArraySyntax)
            {
                if (parent[last] is not TomlArrayNode array)
                {
                    array = new TomlArrayNode(node.Span, isTableArray: true);
                    parent.Set(new TomlEntry(last, array, SpanOf(table)));
                }
                array.Items.Add(node);
                array.Span = new TextSpan(array.Items[0].Span.Start, node.Span.End);
            }
            else if (parent[last] is TomlTableNode implicitTable)
            {
                // A header for a table that dotted keys or a deeper header already created.
                node = implicitTable;
                node.Span = HeaderTableSpan(table);
            }
            else
            {
                parent.Set(new TomlEntry(last, node, SpanOf(table)));
            }

            foreach (var keyValue in table.Items)
            {
                AddKeyValue(node, keyValue);
            }
        }

        private static TomlTableNode Descend(TomlTableNode parent, string key, TextSpan span)
        {
            switch (parent[key])
            {
                case TomlTableNode table:
                    return table;
                case TomlArrayNode { Items.Count: > 0 } array when array.Items[^1] is TomlTableNode lastTable:
                    return lastTable;
                default:
                    var created = new TomlTableNode(span);
                    parent.Set(new TomlEntry(key, created, span));
                    return created;
            }
        }

        private void AddKeyValue(TomlTableNode table, KeyValueSyntax keyValue)
        {
            var path = KeyPath(keyValue.Key!);
            var itemSpan = SpanOf(keyValue);
            for (var i = 0; i < path.Count - 1; i++)
            {
                table = Descend(table, path[i], itemSpan);
            }
            table.Set(new TomlEntry(path[^1], Convert(keyValue.Value!), itemSpan));
        }

        private TomlNode Convert(ValueSyntax value)
        {
            var span = SpanOf(value);
            switch (value)
            {
                case StringValueSyntax text:
                    return TomlScalarNode.String(span, text.Value ?? string.Empty);
                case IntegerValueSyntax integer:
                    return TomlScalarNode.Int(span, integer.Value);
                case FloatValueSyntax real:
                    return TomlScalarNode.Float(span, real.Value);
                case BooleanValueSyntax boolean:
                    return TomlScalarNode.Bool(span, boolean.Value);
                case ArraySyntax array:
                    var node = new TomlArrayNode(span, isTableArray: false);
                    foreach (var item in array.Items)
                    {
                        node.Items.Add(Convert(item.Value!));
                    }
                    return node;
                case InlineTableSyntax inline:
                    var table = new TomlTableNode(span);
                    foreach (var item in inline.Items)
                    {
                        AddKeyValue(table, item.KeyValue!);
                    }
                    return table;
                default:
                    throw new UnsupportedTomlException("date-time values are not supported", span.Start);
            }
        }

        private static List<string> KeyPath(KeySyntax key)
        {
            var parts = new List<string> { KeyPart(key.Key!) };
            foreach (var dotted in key.DotKeys)
            {
                parts.Add(KeyPart(dotted.Key!));
            }
            return parts;
        }

        private static string KeyPart(BareKeyOrStringValueSyntax key) => key switch
        {
            BareKeySyntax bare => bare.Key!.Text ?? string.Empty,
            StringValueSyntax quoted => quoted.Value ?? string.Empty,
            _ => key.ToString() ?? string.Empty,
        };

        /// <summary>A header table spans from its header to the end of its last item, or its header line when empty.</summary>
        private static TextSpan HeaderTableSpan(TableSyntaxBase table)
        {
            var start = table.Span.Start.Offset;
            var items = table.Items;
            if (items.ChildrenCount > 0)
            {
                var last = items.GetChild(items.ChildrenCount - 1)!;
                return new TextSpan(start, SpanOf(last.Value!).End);
            }
            var close = table.CloseBracket!;
            var end = close.Span.End.Offset + 1;
            if (table.EndOfLineToken is { } newline)
            {
                end = newline.Span.End.Offset + 1;
            }
            return new TextSpan(start, end);
        }

        private static TextSpan SpanOf(SyntaxNode node)
        {
            // Tomlyn spans are inclusive of their last character; a key/value item ends at its value.
            if (node is KeyValueSyntax keyValue && keyValue.Value is { } value)
            {
                return new TextSpan(node.Span.Start.Offset, SpanOf(value).End);
            }
            return new TextSpan(node.Span.Start.Offset, node.Span.End.Offset + 1);
        }
    }
}
