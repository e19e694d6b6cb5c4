using System.Globalization;
using Microsoft.Data.Sqlite;

namespace CloudRuntimes.Components.Sqlite;

/// <summary>
/// An open SQLite connection with its prepared commands cached by SQL text (parameters <c>$p0</c>, <c>$p1</c>, ...).
/// Used by one operation at a time.
/// </summary>
internal sealed class PreparedConnection(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    public SqliteConnection Connection => connection;

    /// <summary>The cached command for <paramref name="sql"/>, bound to <paramref name="transaction"/> and <paramref name="parameters"/>.</summary>
    public SqliteCommand Command(string sql, SqliteTransaction? transaction, object?[] parameters)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            for (var i = 0; i < parameters.Length; i++)
            {
                command.Parameters.Add(new SqliteParameter("$p" + i.ToString(CultureInfo.InvariantCulture), null));
            }
            _commands[sql] = command;
        }
        command.Transaction = transaction;
        for (var i = 0; i < parameters.Length; i++)
        {
            command.Parameters[i].Value = parameters[i] ?? DBNull.Value;
        }
        return command;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }
        connection.Dispose();
    }
}
