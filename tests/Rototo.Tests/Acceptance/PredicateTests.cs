namespace Rototo.Tests.Acceptance;

/// <summary>Predicate operators over inline workspaces (rototo-acceptance.md B; spec §4).</summary>
public sealed class PredicateTests
{
    private const string SeatsContext = """{"user":{"tier":"premium"},"account":{"seats":42}}""";

    [Theory]
    [InlineData("user.tier", "eq", "\"premium\"", true)]
    [InlineData("user.tier", "eq", "\"free\"", false)]
    [InlineData("user.tier", "neq", "\"free\"", true)]
    [InlineData("user.tier", "neq", "\"premium\"", false)]
    [InlineData("user.tier", "in", "[\"free\", \"premium\"]", true)]
    [InlineData("user.tier", "in", "[\"free\"]", false)]
    [InlineData("user.tier", "not_in", "[\"free\"]", true)]
    [InlineData("user.tier", "not_in", "[\"premium\"]", false)]
    [InlineData("account.seats", "gt", "10", true)]
    [InlineData("account.seats", "gt", "100", false)]
    [InlineData("account.seats", "gte", "42", true)]
    [InlineData("account.seats", "gte", "43", false)]
    [InlineData("account.seats", "lt", "100", true)]
    [InlineData("account.seats", "lt", "10", false)]
    [InlineData("account.seats", "lte", "42", true)]
    [InlineData("account.seats", "lte", "41", false)]
    public void Comparison_operators_match_as_rototo_does(string attribute, string op, string valueToml, bool expected)
    {
        using var workspace = new TempWorkspace().Qualifier("q", (attribute, op, valueToml));

        Assert.Equal(expected, Compiled.Open(workspace.Root).ResolveQualifier("q", ResolveContext.FromJson(SeatsContext)).Value);
    }

    [Theory]
    [InlineData("n", "100.0", true)]
    [InlineData("large", "9007199254740992.0", false)]
    [InlineData("large", "9007199254740993", true)]
    public void Numeric_equality_compares_integers_exactly_and_floats_by_value(string attribute, string valueToml, bool expected)
    {
        using var workspace = new TempWorkspace().Qualifier("q", (attribute, "eq", valueToml));

        var result = Compiled.Open(workspace.Root).ResolveQualifier("q", ResolveContext.FromJson("""{"n":100,"large":9007199254740993}"""));

        Assert.Equal(expected, result.Value);
    }

    [Theory]
    [InlineData("eq", "9223372036854775807", false)]
    [InlineData("neq", "9223372036854775807", true)]
    [InlineData("gt", "9223372036854775807", true)]
    [InlineData("lte", "-1", false)]
    [InlineData("eq", "1.8446744073709552e19", false)]
    [InlineData("neq", "1.8446744073709552e19", true)]
    [InlineData("not_in", "[1, 9223372036854775807]", true)]
    public void Integers_beyond_i64_compare_exactly_through_a_context_schema(string op, string valueToml, bool expected)
    {
        // §4.3: u64 values are numbers like any other (TOML operands are i64); a u64 that does not convert to f64 exactly has no
        // ordering with a float, so eq is false and neq true.
        using var workspace = new TempWorkspace()
            .Write("schemas/context.schema.json", """{"type":"object","properties":{"n":{"type":"integer"}}}""")
            .Qualifier("q", ("n", op, valueToml));
        var loaded = Compiled.Open(workspace.Root);

        var result = loaded.ResolveQualifier("q", ResolveContext.FromJson("""{"n":18446744073709551615}"""));

        Assert.Equal(expected, result.Value);
    }

    [Fact]
    public void A_u64_context_value_buckets_by_its_decimal_digits()
    {
        // FNV-1a 64 of "s:18446744073709551615" mod 10000 = 8041 (computed by hand from §4.4).
        using var workspace = new TempWorkspace()
            .Write("qualifiers/q.toml", "schema_version = 1\n\n[[predicate]]\nattribute = \"n\"\nop = \"bucket\"\nsalt = \"s\"\nrange = [8041, 8042]\n");

        Assert.True(Compiled.Open(workspace.Root).ResolveQualifier("q", ResolveContext.FromJson("""{"n":18446744073709551615}""")).Value);
    }

    [Fact]
    public void Missing_compare_attribute_is_an_error_naming_the_qualifier()
    {
        using var workspace = new TempWorkspace().Qualifier("missing-compare", ("missing.path", "neq", "\"anything\""));

        var error = Assert.Throws<RototoException>(() => Compiled.Open(workspace.Root).ResolveQualifier("missing-compare", ResolveContext.FromJson("""{"user":{"id":"user-123"}}""")));

        Assert.Equal("missing resolve context attribute: missing.path required by qualifier://missing-compare", error.Message);
    }

    [Fact]
    public void Missing_bucket_attribute_is_an_error_naming_the_qualifier()
    {
        using var workspace = new TempWorkspace()
            .Write("qualifiers/missing-bucket.toml", "schema_version = 1\n\n[[predicate]]\nattribute = \"missing.id\"\nop = \"bucket\"\nsalt = \"s\"\nrange = [0, 5000]\n");

        var error = Assert.Throws<RototoException>(() => Compiled.Open(workspace.Root).ResolveQualifier("missing-bucket", ResolveContext.FromJson("""{"user":{"id":"user-123"}}""")));

        Assert.Equal("missing resolve context attribute: missing.id required by qualifier://missing-bucket", error.Message);
    }

    [Fact]
    public void Missing_attribute_is_reported_even_after_an_earlier_false_predicate()
    {
        using var workspace = new TempWorkspace().Qualifier("missing-after-false", ("user.tier", "eq", "\"premium\""), ("missing.path", "eq", "\"anything\""));

        var error = Assert.Throws<RototoException>(() => Compiled.Open(workspace.Root).ResolveQualifier("missing-after-false", ResolveContext.FromJson("""{"user":{"id":"user-123","tier":"free"}}""")));

        Assert.Equal("missing resolve context attribute: missing.path required by qualifier://missing-after-false", error.Message);
    }

    [Fact]
    public void Qualifier_references_resolve_and_cycles_are_detected()
    {
        using var workspace = new TempWorkspace()
            .Qualifier("premium", ("user.tier", "eq", "\"premium\""))
            .Qualifier("free", ("user.tier", "eq", "\"free\""))
            .Qualifier("premium-derived", ("qualifier.premium", "eq", "true"))
            .Qualifier("free-derived", ("qualifier.free", "eq", "true"))
            .Qualifier("cycle-a", ("qualifier.cycle-b", "eq", "true"))
            .Qualifier("cycle-b", ("qualifier.cycle-a", "eq", "true"));
        var compiled = Compiled.Open(workspace.Root);
        var context = ResolveContext.FromJson("""{"user":{"tier":"premium"}}""");

        Assert.True(compiled.ResolveQualifier("premium-derived", context).Value);
        Assert.False(compiled.ResolveQualifier("free-derived", context).Value);
        var error = Assert.Throws<RototoException>(() => compiled.ResolveQualifier("cycle-a", context));
        Assert.Equal("qualifier cycle detected at qualifier://cycle-a", error.Message);
    }

    [Fact]
    public void Rules_pick_the_first_match_and_a_non_table_rule_is_a_compile_error()
    {
        using var workspace = new TempWorkspace()
            .Qualifier("premium", ("user.tier", "eq", "\"premium\""))
            .Write("variables/message.toml", "schema_version = 1\ntype = \"string\"\n\n[values]\ncontrol = \"Hello\"\npremium = \"Hello, premium\"\n\n[resolve]\ndefault = \"control\"\n\n[[resolve.rule]]\nqualifier = \"premium\"\nvalue = \"premium\"\n");

        var resolution = Compiled.Open(workspace.Root).ResolveVariable("message", ResolveContext.FromJson("""{"user":{"tier":"free"}}"""));
        Assert.Equal("control", resolution.ValueKey);
        Assert.Equal("Hello", resolution.GetValue<string>());

        workspace.Write("variables/bad-rule.toml", "schema_version = 1\ntype = \"string\"\n\n[values]\ncontrol = \"x\"\n\n[resolve]\ndefault = \"control\"\nrule = [\"not-a-table\"]\n");
        var error = Assert.Throws<RototoException>(() => Compiled.Open(workspace.Root));
        Assert.Contains("rule must be a table", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("schema_version = 1\n\n[[predicate]]\nattribute = \"user.tier\"\nop = \"contains\"\nvalue = \"p\"\n", "unknown predicate operator")]
    [InlineData("schema_version = 1\npredicate = []\n", "at least one predicate")]
    [InlineData("schema_version = 1\n\n[[predicate]]\nattribute = \"user.id\"\nop = \"bucket\"\nsalt = \"s\"\nrange = [1.5, 2.5]\n", "range must contain two integers")]
    public void Malformed_qualifiers_fail_to_compile_with_the_problem_named(string qualifierToml, string expected)
    {
        using var workspace = new TempWorkspace().Write("qualifiers/broken.toml", qualifierToml);

        var error = Assert.Throws<RototoException>(() => Compiled.Open(workspace.Root));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
