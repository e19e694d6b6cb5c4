namespace Rototo.Tests.Schemas;

/// <summary>
/// JSON Schema as rototo's engine applies it (spec §3.5): Draft 2020-12 when <c>$schema</c> is absent, the schema checked
/// against its meta-schema, every 2020-12 keyword enforced on contexts and resource objects, errors worded as
/// jsonschema-rs words them (<c>{instance} is not of type "{type}"</c>, <c>"{name}" is a required property</c>, ...).
/// </summary>
public sealed class JsonSchemaDraft202012Tests
{
    [Theory]
    [InlineData("""{"if":{"properties":{"plan":{"const":"pro"}},"required":["plan"]},"then":{"required":["seats"]},"else":{"required":["trial"]}}""", """{"plan":"pro"}""", "\"seats\" is a required property")]
    [InlineData("""{"if":{"properties":{"plan":{"const":"pro"}},"required":["plan"]},"then":{"required":["seats"]},"else":{"required":["trial"]}}""", """{"plan":"free"}""", "\"trial\" is a required property")]
    [InlineData("""{"properties":{"pair":{"prefixItems":[{"type":"string"},{"type":"integer"}]}}}""", """{"pair":["a","b"]}""", "\"b\" is not of type \"integer\"")]
    [InlineData("""{"properties":{"tags":{"contains":{"const":"vip"}}}}""", """{"tags":["a"]}""", "None of [\"a\"] are valid under the given schema")]
    [InlineData("""{"properties":{"tags":{"contains":{"const":"vip"},"minContains":2}}}""", """{"tags":["vip","a"]}""", "None of [\"vip\",\"a\"] are valid under the given schema")]
    [InlineData("""{"properties":{"labels":{"propertyNames":{"pattern":"^[a-z]+$"}}}}""", """{"labels":{"Bad":1}}""", "\"Bad\" does not match \"^[a-z]+$\"")]
    [InlineData("""{"dependentRequired":{"card":["billing"]}}""", """{"card":"x"}""", "\"billing\" is a required property")]
    [InlineData("""{"dependentSchemas":{"card":{"properties":{"billing":{"type":"string"}}}}}""", """{"card":1,"billing":5}""", "5 is not of type \"string\"")]
    [InlineData("""{"properties":{"a":{}},"unevaluatedProperties":false}""", """{"a":1,"b":2}""", "Unevaluated properties are not allowed ('b' was unexpected)")]
    [InlineData("""{"$id":"https://example.test/tree","$dynamicAnchor":"node","properties":{"n":{"type":"integer"},"child":{"$dynamicRef":"#node"}}}""", """{"child":{"n":"x"}}""", "\"x\" is not of type \"integer\"")]
    [InlineData("""{"properties":{"n":{"type":"integer","maximum":5}}}""", """{"n":18446744073709551615}""", "18446744073709551615 is greater than the maximum of 5")]
    [InlineData("""{"additionalProperties":false,"properties":{"user":{"properties":{"tier":{"type":"string"}}}}}""", """{"unknown":true}""", "Additional properties are not allowed ('unknown' was unexpected)")]
    [InlineData("""{"properties":{"user":{"properties":{"tier":{"type":"string"}}}}}""", """{"user":{"tier":{"bad":"shape"}}}""", "{\"bad\":\"shape\"} is not of type \"string\"")]
    [InlineData("""{"properties":{"tier":{"enum":["free","pro"]}}}""", """{"tier":"gold"}""", "\"gold\" is not one of [\"free\",\"pro\"]")]
    [InlineData("""{"properties":{"n":{"type":["integer","string"]}}}""", """{"n":true}""", "true is not of types \"integer\", \"string\"")]
    [InlineData("""{"properties":{"n":{"anyOf":[{"type":"string"},{"minimum":3}]}}}""", """{"n":1}""", "1 is not valid under any of the schemas listed in the 'anyOf' keyword")]
    [InlineData("""{"properties":{"n":{"not":{"const":1}}}}""", """{"n":1}""", "{\"const\":1} is not allowed for 1")]
    public void Every_2020_12_keyword_is_enforced_on_contexts(string schema, string context, string expected)
    {
        using var workspace = new TempWorkspace().Write("schemas/context.schema.json", schema);

        var error = Assert.Throws<RototoException>(() => Compiled.Open(workspace.Root).ValidateContext(ResolveContext.FromJson(context)));

        Assert.Equal($"resolve context does not match schema: {expected}", error.Message);
    }

    [Theory]
    [InlineData("""{"properties":{"tags":{"contains":{"const":"vip"},"maxContains":1}}}""", """{"tags":["vip","vip"]}""")]
    [InlineData("""{"properties":{"list":{"prefixItems":[{"type":"integer"}],"unevaluatedItems":false}}}""", """{"list":[1,2]}""")]
    public void Contains_limits_and_unevaluated_items_are_enforced(string schema, string context)
    {
        using var workspace = new TempWorkspace().Write("schemas/context.schema.json", schema);

        var error = Assert.Throws<RototoException>(() => Compiled.Open(workspace.Root).ValidateContext(ResolveContext.FromJson(context)));

        Assert.StartsWith("resolve context does not match schema: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"if":{"properties":{"plan":{"const":"pro"}},"required":["plan"]},"then":{"required":["seats"]}}""", """{"plan":"pro","seats":3}""")]
    [InlineData("""{"properties":{"tags":{"contains":{"const":"vip"},"minContains":1,"maxContains":2}}}""", """{"tags":["vip","a"]}""")]
    [InlineData("""{"properties":{"email":{"format":"email"}}}""", """{"email":"not-an-email"}""")]
    [InlineData("""{"properties":{"n":{"type":"integer"}}}""", """{"n":18446744073709551615}""")]
    public void A_context_that_meets_the_schema_passes(string schema, string context)
    {
        using var workspace = new TempWorkspace().Write("schemas/context.schema.json", schema);

        Compiled.Open(workspace.Root).ValidateContext(ResolveContext.FromJson(context));
    }

    [Fact]
    public async Task A_boolean_exclusive_minimum_is_schema_invalid_under_2020_12()
    {
        using var workspace = new TempWorkspace().Write("schemas/context.schema.json", """{"type":"object","properties":{"n":{"type":"integer","exclusiveMinimum":true}}}""");

        var lint = await (await Workspace.InspectAsync(workspace.Root)).LintAsync();

        var invalid = Assert.Single(lint.Diagnostics, d => d.Rule == "rototo/schema-invalid");
        Assert.Equal("schema is invalid: true is not of type \"number\"", invalid.Message);
        var reference = Assert.Single(lint.Diagnostics, d => d.Rule == "rototo/workspace-context-schema-ref");
        Assert.Equal("context schema is invalid: true is not of type \"number\"", reference.Message);
    }

    [Fact]
    public async Task An_unknown_type_name_is_schema_invalid()
    {
        using var workspace = new TempWorkspace().Write("schemas/context.schema.json", """{"type":"not-a-type"}""");

        var lint = await (await Workspace.InspectAsync(workspace.Root)).LintAsync();

        var invalid = Assert.Single(lint.Diagnostics, d => d.Rule == "rototo/schema-invalid");
        Assert.Equal("schema is invalid: \"not-a-type\" is not valid under any of the schemas listed in the 'anyOf' keyword", invalid.Message);
    }

    [Fact]
    public async Task Resource_objects_are_checked_with_2020_12_keywords()
    {
        using var workspace = new TempWorkspace()
            .Write("schemas/limits.schema.json", """{"type":"object","properties":{"seats":{"type":"integer"}},"unevaluatedProperties":false}""")
            .Write("resources/limits.toml", "schema_version = 1\nschema = \"../schemas/limits.schema.json\"\n")
            .Write("resources/limits-objects/small.toml", "seats = 5\nextra = true\n");

        var lint = await (await Workspace.InspectAsync(workspace.Root)).LintAsync();

        var mismatch = Assert.Single(lint.Diagnostics, d => d.Rule == "rototo/resource-object-schema-mismatch");
        Assert.Equal("resource object small does not match schema: Unevaluated properties are not allowed ('extra' was unexpected)", mismatch.Message);
    }
}
