using System.Text;

namespace CloudRuntimes.Components.Database;

/// <summary>
/// How the database components count a query result against its byte limit while rows stream (the
/// <c>maxResultBytes</c> metadata): each cell costs its column name's length plus its value's size.
/// </summary>
public static class ResultSize
{
    /// <summary>The cost of one cell.</summary>
    /// <param name="column">The column name.</param>
    /// <param name="value">The cell's value as the component returns it: text (UTF-8 bytes), a blob (its bytes), else 8 bytes.</param>
    /// <returns>Bytes counted.</returns>
    public static long OfCell(string column, object? value) => column.Length + value switch
    {
        string text => Encoding.UTF8.GetByteCount(text),
        byte[] bytes => bytes.Length,
        _ => 8,
    };
}
