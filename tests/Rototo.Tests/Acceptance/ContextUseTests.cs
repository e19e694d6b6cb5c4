namespace Rototo.Tests.Acceptance;

/// <summary>
/// How resolution uses the context: <see cref="Workspace.ReadsContext"/>, and strings read the same whether the
/// context was validated (its attributes indexed once) or is read path by path (validation off).
/// </summary>
public sealed class ContextUseTests
{
    private const string BoolVariable = "schema_version = 1\ntype = \"bool\"\n\n[values]\non = true\noff = false\n\n[resolve]\ndefault = \"off\"\n";

    private static TempWorkspace FlagWorkspace() => new TempWorkspace()
        .Qualifier("premium", ("user.tier", "eq", "\"premium\""))
        .Qualifier("premium-again", ("qualifier.premium", "eq", "true"))
        .Write("variables/kill-switch.toml", BoolVariable)
        .Write("variables/premium-only.toml", BoolVariable + "\n[[resolve.rule]]\nqualifier = \"premium\"\nvalue = \"on\"\n")
        .Write("variables/premium-by-reference.toml", BoolVariable + "\n[[resolve.rule]]\nqualifier = \"premium-again\"\nvalue = \"on\"\n");

    [Theory]
    [InlineData("kill-switch", false)]
    [InlineData("premium-only", true)]
    [InlineData("premium-by-reference", true)]
    public void A_variable_reads_the_context_when_a_rule_or_a_qualifier_it_references_does(string variable, bool expected)
    {
        using var workspace = FlagWorkspace();

        Assert.Equal(expected, Compiled.Open(workspace.Root).ReadsContext(variable));
    }

    [Fact]
    public void Reads_context_of_an_unknown_variable_is_not_found()
    {
        using var workspace = FlagWorkspace();

        var error = Assert.Throws<RototoException>(() => Compiled.Open(workspace.Root).ReadsContext("nope"));

        Assert.Equal("variable not found: variable://nope", error.Message);
    }

    [Theory]
    [InlineData("""{"user":{"id":"user-123"}}""")]
    [InlineData("""{"user":{"id":"user-\u0031\u0032\u0033"}}""")]
    public void Strings_compare_and_hash_as_their_unescaped_text_with_or_without_validation(string context)
    {
        // §4.4 pins bucket("known-salt", "user-123") = 9913.
        using var workspace = new TempWorkspace()
            .Qualifier("named", ("user.id", "eq", "\"user-123\""))
            .Qualifier("listed", ("user.id", "in", "[\"alice\", \"user-123\"]"))
            .Write("qualifiers/rollout.toml", "schema_version = 1\n\n[[predicate]]\nattribute = \"user.id\"\nop = \"bucket\"\nsalt = \"known-salt\"\nrange = [9913, 9914]\n");
        var compiled = Compiled.Open(workspace.Root);

        foreach (var validate in new[] { true, false })
        {
            foreach (var qualifier in new[] { "named", "listed", "rollout" })
            {
                Assert.True(compiled.ResolveQualifier(qualifier, ResolveContext.FromJson(context), validate).Value, $"{qualifier}, validation {validate}");
            }
        }
    }
}
