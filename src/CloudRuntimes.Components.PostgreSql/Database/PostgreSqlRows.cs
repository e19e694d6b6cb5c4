using System.Collections;
using System.Globalization;
using System.Text.Json.Nodes;
using CloudRuntimes.Components.Database;
using Npgsql;

namespace CloudRuntimes.Components.PostgreSql.Database;

/// <summary>Reads a query's rows as column-name → value maps, counting their size while they stream.</summary>
internal static class PostgreSqlRows
{
    /// <summary>
    /// Reads every row (the last of equal column names kept), stopping — and cancelling the statement on the server —
    /// once the values pass <paramref name="maxBytes"/>. Takes ownership of <paramref name="reader"/>.
    /// </summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.DatabaseResultTooLarge"/>.</exception>
    public static async Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> ReadAsync(NpgsqlDataReader reader, long maxBytes, Action cancel, CancellationToken cancellationToken)
    {
        var tooLarge = false;
        try
        {
            var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
            var rows = new List<IReadOnlyDictionary<string, object?>>();
            long size = 0;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var row = new Dictionary<string, object?>(columns.Length, StringComparer.Ordinal);
                for (var i = 0; i < columns.Length; i++)
                {
                    var value = Value(reader.GetValue(i));
                    row[columns[i]] = value;
                    size += ResultSize.OfCell(columns[i], value);
                }
                if (size > maxBytes)
                {
                    tooLarge = true;
                    cancel();
                    throw new CloudRuntimesException(CloudRuntimesErrors.DatabaseResultTooLarge, $"the result is larger than the limit of {maxBytes} bytes; the query was stopped");
                }
                rows.Add(row);
            }
            return rows;
        }
        finally
        {
            try
            {
                await reader.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (tooLarge && e is NpgsqlException or OperationCanceledException)
            {
                // The rest of the cancelled result ends with the server's "canceling statement" error.
            }
        }
    }

    /// <summary>A value as the database API returns it: long, double, bool, string, byte[] or null.</summary>
    private static object? Value(object value) => value switch
    {
        DBNull => null,
        short number => (long)number,
        int number => (long)number,
        long number => number,
        float number => (double)number,
        double number => number,
        decimal number => (double)number,
        bool or string or byte[] => value,
        DateTime time => time.ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset time => time.ToString("O", CultureInfo.InvariantCulture),
        IEnumerable items => new JsonArray([.. items.Cast<object?>().Select(i => i is null ? null : Node(Value(i)))]).ToJsonString(),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    /// <summary>An array element as JSON: a value of <see cref="Value"/> (a byte array as base64, as System.Text.Json writes it).</summary>
    private static JsonValue? Node(object? value) => value switch
    {
        null => null,
        long number => JsonValue.Create(number),
        double number => JsonValue.Create(number),
        bool flag => JsonValue.Create(flag),
        byte[] bytes => JsonValue.Create(Convert.ToBase64String(bytes)),
        _ => JsonValue.Create((string)value),
    };
}
