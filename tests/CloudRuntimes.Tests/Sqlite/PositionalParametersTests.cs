using CloudRuntimes.Components.Sqlite;

namespace CloudRuntimes.Tests.Sqlite;

/// <summary>Numbering of anonymous <c>?</c> parameters the way SQLite numbers them.</summary>
public sealed class PositionalParametersTests
{
    [Theory]
    [InlineData("SELECT ?, ?", "SELECT ?1, ?2")]
    [InlineData("SELECT ?2, ?, ?1", "SELECT ?2, ?3, ?1")]
    [InlineData("SELECT '?', \"a?\", ? -- why?\n, ?", "SELECT '?', \"a?\", ?1 -- why?\n, ?2")]
    [InlineData("SELECT /* ? */ ?", "SELECT /* ? */ ?1")]
    public void Anonymous_parameters_are_numbered_outside_literals_and_comments(string sql, string expected)
    {
        Assert.Equal(expected, PositionalParameters.Number(sql));
    }
}
