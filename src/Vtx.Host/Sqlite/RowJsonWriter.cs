using System.Buffers;
using System.Globalization;
using System.Text;
using SerdeJsonCompat;
using SQLitePCL;

namespace Vtx.Host.Sqlite;

/// <summary>
/// Writes the rows of a prepared statement, one <see cref="WriteRow"/> per step, as vtx-core's <c>query-json</c>
/// prints them: <c>serde_json::to_string</c> of a list of <c>serde_json::Map</c> objects (spec
/// <c>vtx-plugins.md</c> §A.4). That map is a <c>BTreeMap</c> (serde_json without <c>preserve_order</c>), so keys
/// come in UTF-8 byte order and a later column with the same name replaces an earlier one. Values: INTEGER as
/// i64, REAL per <see cref="SerdeFloat"/> (non-finite as <c>null</c>), TEXT per <see cref="SerdeString"/> (invalid
/// UTF-8 replaced like <c>String::from_utf8_lossy</c>), BLOB as <c>"&lt;BLOB&gt;"</c>, NULL as <c>null</c>.
/// The output grows row by row, so a caller may stop between rows (for instance at a size limit).
/// </summary>
internal sealed class RowJsonWriter
{
    private readonly sqlite3_stmt _statement;
    private readonly IBufferWriter<byte> _output;
    // Per key, in key order: its column and where its text — `{"name":` for the first, `,"name":` after — is in _keys.
    private readonly (int Column, int Start, int Length)[] _fields;
    private readonly ArrayBufferWriter<byte> _keys;
    private int _rows;

    /// <summary>Plans the object layout from the statement's column names.</summary>
    /// <param name="statement">A prepared statement; its rows are read after each successful step.</param>
    /// <param name="output">Where the JSON text goes, in UTF-8.</param>
    public RowJsonWriter(sqlite3_stmt statement, IBufferWriter<byte> output)
    {
        _statement = statement;
        _output = output;
        var count = raw.sqlite3_column_count(statement);
        var named = new (byte[] Name, int Column)[count];
        var size = 1;
        for (var i = 0; i < count; i++)
        {
            named[i] = (Encoding.UTF8.GetBytes(raw.sqlite3_column_name(statement, i).utf8_to_string()), i);
            size += named[i].Name.Length + 4;
        }

        // Key order; equal names by column, so that the last column of a name comes last and is the one kept.
        Array.Sort(named, (a, b) => a.Name.AsSpan().SequenceCompareTo(b.Name) is var order and not 0 ? order : a.Column.CompareTo(b.Column));
        _keys = new ArrayBufferWriter<byte>(size);
        _fields = new (int, int, int)[count];
        var kept = 0;
        for (var i = 0; i < count; i++)
        {
            if (i + 1 < count && named[i + 1].Name.AsSpan().SequenceEqual(named[i].Name))
            {
                continue;
            }

            var start = _keys.WrittenCount;
            _keys.Write(kept == 0 ? "{"u8 : ","u8);
            SerdeString.Write(_keys, named[i].Name);
            _keys.Write(":"u8);
            _fields[kept++] = (named[i].Column, start, _keys.WrittenCount - start);
        }

        Array.Resize(ref _fields, kept);
    }

    /// <summary>Opens the array: <c>[</c>.</summary>
    public void WriteStart() => _output.Write("["u8);

    /// <summary>Writes the statement's current row as one object.</summary>
    public void WriteRow()
    {
        if (_rows++ > 0)
        {
            _output.Write(","u8);
        }

        if (_fields.Length == 0)
        {
            _output.Write("{"u8);
        }

        foreach (var (column, start, length) in _fields)
        {
            _output.Write(_keys.WrittenSpan.Slice(start, length));
            WriteValue(column);
        }

        _output.Write("}"u8);
    }

    /// <summary>Closes the array: <c>]</c>.</summary>
    public void WriteEnd() => _output.Write("]"u8);

    private void WriteValue(int column)
    {
        switch (raw.sqlite3_column_type(_statement, column))
        {
            case raw.SQLITE_INTEGER:
                var integer = raw.sqlite3_column_int64(_statement, column);
                var span = _output.GetSpan(20);
                integer.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
                _output.Advance(written);
                break;
            case raw.SQLITE_FLOAT:
                SerdeFloat.Write(_output, raw.sqlite3_column_double(_statement, column));
                break;
            case raw.SQLITE_TEXT:
                // The bytes as stored, embedded U+0000 included (rusqlite reads them the same way).
                SerdeString.Write(_output, raw.sqlite3_column_blob(_statement, column));
                break;
            case raw.SQLITE_BLOB:
                _output.Write("\"<BLOB>\""u8);
                break;
            default:
                _output.Write("null"u8);
                break;
        }
    }
}
