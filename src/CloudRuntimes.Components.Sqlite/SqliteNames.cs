using System.Text.RegularExpressions;

namespace CloudRuntimes.Components.Sqlite;

/// <summary>Validation of table names given in metadata (they are spliced into SQL, so only identifiers pass).</summary>
internal static partial class SqliteNames
{
    public static string Table(string name, string componentName) =>
        Identifier().IsMatch(name)
            ? name
            : throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"component '{componentName}' metadata 'tableName' must be a plain identifier (letters, digits, underscore), got '{name}'");

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex Identifier();
}
