using System.Text.Json;
using System.Text.Json.Nodes;
using Rototo.Text;

namespace Rototo.Tests.Cli;

/// <summary>The command lines' text helpers: "did you mean" (<see cref="Suggestions"/>) and JSON errors placed in the user's text (<see cref="JsonTextError"/>).</summary>
public sealed class TextErrorTests
{
    [Theory]
    [InlineData("checkout-baner", "checkout-banner")] // one letter missing
    [InlineData("--app-prot", "--app-port")] // two letters swapped
    [InlineData("premium", "premium-members")] // the start of a name
    [InlineData("tax-rate", null)] // nothing close
    [InlineData("ab", null)] // too short to be a prefix
    public void Closest_is_a_near_name_or_none(string given, string? expected)
    {
        string[] known = ["checkout-banner", "max-cart-items", "premium-members", "--app-port", "--app-id"];

        Assert.Equal(expected, Suggestions.Closest(given, known));
    }

    [Fact]
    public void The_exact_name_is_never_suggested()
    {
        Assert.Null(Suggestions.Closest("checkout-banner", ["checkout-banner"]));
    }

    [Theory]
    // '}' where a value belongs: line 1, character 9.
    [InlineData("{\"user\":}", 1, 9, "'}' is an invalid start of a value.")]
    // Columns count characters, not UTF-8 bytes: "ü" is two bytes, one character; 'x' is the 11th character.
    [InlineData("{\"tür\": 1 x}", 1, 11, "'x' is invalid after a value. Expected either ',', '}', or ']'.")]
    // The second line, after the indentation: '1' is its 7th character.
    [InlineData("{\n  \"a\" 1\n}", 2, 7, "'1' is invalid after a property name. Expected a ':'.")]
    public void A_json_error_is_placed_in_lines_and_characters(string text, int line, int column, string message)
    {
        var exception = Assert.ThrowsAny<JsonException>(() => JsonNode.Parse(text));

        var error = JsonTextError.From(text, exception);

        Assert.Equal((line, column, message), (error.Line, error.Column, error.Message));
    }

    [Fact]
    public void The_snippet_shows_the_line_with_a_caret_under_the_column()
    {
        var error = new JsonTextError(12, 4, "{\"a\" 1}", "x");

        Assert.Equal(["    |", " 12 | {\"a\" 1}", "    |    ^"], error.Snippet());
    }
}
