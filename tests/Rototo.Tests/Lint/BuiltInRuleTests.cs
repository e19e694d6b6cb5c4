using Rototo.Lint;

namespace Rototo.Tests.Lint;

/// <summary>
/// Every built-in rule of §9.4 that a workspace's files can trigger: one change to a clean workspace that
/// triggers it and one near-miss change that must not. The clean base reads a declared context attribute, has a
/// referenced qualifier, an inline-valued variable and a resource-backed variable (the discover rules and custom-lint
/// rules are covered by their own tests).
/// </summary>
public sealed class BuiltInRuleTests
{
    private const string ContextSchema = """
        {"type":"object","properties":{"user":{"type":"object","properties":{
          "tier":{"type":"string"},"age":{"type":"integer"},"id":{"type":"string"},"profile":{"type":"object"}}}}}
        """;

    private const string Premium = "schema_version = 1\n\n[[predicate]]\nattribute = \"user.tier\"\nop = \"eq\"\nvalue = \"premium\"\n";

    private const string Message = "schema_version = 1\ntype = \"string\"\n\n[values]\ncontrol = \"a\"\npremium = \"b\"\n\n[resolve]\ndefault = \"control\"\n\n[[resolve.rule]]\nqualifier = \"premium\"\nvalue = \"premium\"\n";

    private const string ConfigSchema = """{"type":"object","required":["name"],"properties":{"name":{"type":"string"},"fallback":{"type":"string","x-rototo-resource":"config"}}}""";

    private static readonly Dictionary<string, string> Base = new()
    {
        ["schemas/context.schema.json"] = ContextSchema,
        ["qualifiers/premium.toml"] = Premium,
        ["variables/message.toml"] = Message,
        ["schemas/config.schema.json"] = ConfigSchema,
        ["resources/config.toml"] = "schema_version = 1\nschema = \"../schemas/config.schema.json\"\n",
        ["resources/config-objects/small.toml"] = "name = \"small\"\n",
        ["variables/agent.toml"] = "schema_version = 1\ntype = \"resource:config\"\n\n[resolve]\ndefault = \"small\"\n",
    };

    private static string Predicate(string attribute, string op, string valueToml) => $"\n[[predicate]]\nattribute = \"{attribute}\"\nop = \"{op}\"\n{valueToml}\n";

    private static string Qualifier(params string[] predicates) => "schema_version = 1\n" + string.Concat(predicates);

    private static string MessageWith(string values, string resolve) => $"schema_version = 1\ntype = \"string\"\n\n[values]\n{values}\n{resolve}";

    private const string DefaultControl = "[resolve]\ndefault = \"control\"\n";

    private static string Rule(string qualifier, string value) => $"\n[[resolve.rule]]\nqualifier = \"{qualifier}\"\nvalue = \"{value}\"\n";

    /// <summary>rule id → (files changed to trigger it, files changed for the near miss); a null text deletes the file.</summary>
    public static TheoryData<string, string, string?, string, string?> Cases { get; } = new()
    {
        { "workspace-manifest-parse-failed", "rototo-workspace.toml", "schema_version = 1\nlabels = [\n", "rototo-workspace.toml", "# a comment\nschema_version = 1\n" },
        { "workspace-manifest-schema-failed", "rototo-workspace.toml", "schema_version = 2\n", "rototo-workspace.toml", "schema_version = 1\nextends = []\n" },
        { "workspace-context-schema-ref", "schemas/context.schema.json", """{"type":"definitely-not-a-type"}""", "schemas/context.schema.json", """{"type":"object","properties":{"user":{"type":"object"}}}""" },
        { "workspace-context-schema-reserved-field", "schemas/context.schema.json", """{"type":"object","properties":{"qualifier":{"type":"object"},"user":{"type":"object","properties":{"tier":{"type":"string"}}}}}""", "schemas/context.schema.json", """{"type":"object","properties":{"user":{"type":"object","properties":{"tier":{"type":"string"},"qualifier":{"type":"string"}}}}}""" },
        { "workspace-context-schema-attribute", "qualifiers/premium.toml", Qualifier(Predicate("user.plan", "eq", "value = \"premium\"")), "qualifiers/premium.toml", Qualifier(Predicate("user.profile", "neq", "value = {}")) },
        { "workspace-context-schema-missing", "schemas/context.schema.json", null, "variables/message.toml", MessageWith("control = \"a\"", DefaultControl) },
        { "qualifier-parse-failed", "qualifiers/premium.toml", "schema_version = = 1\n", "qualifiers/premium.toml", Premium.Replace("schema_version = 1", "schema_version = 1 # comment", StringComparison.Ordinal) },
        { "qualifier-schema-version", "qualifiers/premium.toml", Premium.Replace("schema_version = 1", "schema_version = 2", StringComparison.Ordinal), "qualifiers/premium.toml", Premium },
        { "qualifier-predicate-missing", "qualifiers/premium.toml", "schema_version = 1\n", "qualifiers/premium.toml", Qualifier(Predicate("user.age", "gte", "value = 18")) },
        { "qualifier-predicate-shape", "qualifiers/premium.toml", Qualifier("\n[[predicate]]\nattribute = \"user.tier\"\nvalue = \"premium\"\n"), "qualifiers/premium.toml", Qualifier(Predicate("user.tier", "neq", "value = \"free\"")) },
        { "qualifier-predicate-unknown-op", "qualifiers/premium.toml", Qualifier(Predicate("user.tier", "contains", "value = \"premium\"")), "qualifiers/premium.toml", Qualifier(Predicate("user.tier", "not_in", "value = [\"free\"]")) },
        { "qualifier-predicate-bucket", "qualifiers/premium.toml", Qualifier(Predicate("user.id", "bucket", "salt = \"s\"\nrange = [0, 20000]")), "qualifiers/premium.toml", Qualifier(Predicate("user.id", "bucket", "salt = \"s\"\nrange = [0, 10000]")) },
        { "qualifier-predicate-value", "qualifiers/premium.toml", Qualifier(Predicate("user.tier", "in", "value = \"premium\"")), "qualifiers/premium.toml", Qualifier(Predicate("user.tier", "in", "value = [\"premium\"]")) },
        { "qualifier-predicate-unknown-qualifier", "qualifiers/premium.toml", Qualifier(Predicate("qualifier.nope", "eq", "value = true")), "qualifiers/premium.toml", Premium + Predicate("qualifier.premium-extra", "eq", "value = true") },
        { "qualifier-predicate-context-type-mismatch", "qualifiers/premium.toml", Qualifier(Predicate("user.tier", "gt", "value = 5")), "qualifiers/premium.toml", Qualifier(Predicate("user.age", "gt", "value = 5.5")) },
        { "qualifier-predicate-duplicate", "qualifiers/premium.toml", Premium + Predicate("user.tier", "eq", "value = \"premium\""), "qualifiers/premium.toml", Premium + Predicate("user.tier", "neq", "value = \"premium\"") },
        { "qualifier-cycle", "qualifiers/premium.toml", Premium + Predicate("qualifier.premium", "eq", "value = true"), "qualifiers/premium.toml", Premium + Predicate("qualifier.premium-extra", "eq", "value = true") },
        { "qualifier-unreferenced", "qualifiers/unused.toml", Premium, "qualifiers/premium.toml", Premium + Predicate("qualifier.premium-extra", "eq", "value = true") },
        { "qualifier-unreachable", "qualifiers/root.toml", Qualifier(Predicate("qualifier.premium-extra", "eq", "value = true")), "qualifiers/premium.toml", Premium + Predicate("qualifier.premium-extra", "eq", "value = true") },
        { "variable-parse-failed", "variables/message.toml", "schema_version = 1\ntype = \"string\n", "variables/message.toml", Message.Replace("type = \"string\"", "type = 'string'", StringComparison.Ordinal) },
        { "variable-schema-version", "variables/message.toml", Message.Replace("schema_version = 1", "schema_version = \"1\"", StringComparison.Ordinal), "variables/message.toml", Message },
        { "variable-type-source", "variables/message.toml", Message.Replace("type = \"string\"", "schema = \"x.json\"", StringComparison.Ordinal), "variables/message.toml", Message.Replace("type = \"string\"", "type = \"list\"", StringComparison.Ordinal).Replace("\"a\"", "[\"a\"]", StringComparison.Ordinal).Replace("\"b\"", "[]", StringComparison.Ordinal) },
        { "variable-unknown-type", "variables/message.toml", Message.Replace("type = \"string\"", "type = \"text\"", StringComparison.Ordinal), "variables/message.toml", Message },
        { "variable-unknown-resource", "variables/agent.toml", "schema_version = 1\ntype = \"resource:nope\"\n\n[resolve]\ndefault = \"small\"\n", "variables/agent.toml", "schema_version = 1\ntype = \"resource:config\"\n\n[resolve]\ndefault = \"small\"\n" },
        { "variable-values-disallowed", "variables/agent.toml", "schema_version = 1\ntype = \"resource:config\"\n\n[values]\nsmall = \"x\"\n\n[resolve]\ndefault = \"small\"\n", "variables/agent.toml", "schema_version = 1\ntype = \"resource:config\"\n\n[values]\n\n[resolve]\ndefault = \"small\"\n" },
        { "variable-values-missing", "variables/message.toml", "schema_version = 1\ntype = \"string\"\n\n[values]\n\n" + DefaultControl, "variables/message.toml", MessageWith("control = \"\"", DefaultControl) },
        { "variable-unknown-value", "variables/message.toml", MessageWith("control = \"a\"", "[resolve]\ndefault = \"missing\"\n"), "variables/message.toml", MessageWith("control = \"a\"", DefaultControl) },
        { "variable-value-type-mismatch", "variables/message.toml", MessageWith("control = 1", DefaultControl), "variables/message.toml", MessageWith("control = \"1\"", DefaultControl) },
        { "variable-resolve-missing-default", "variables/message.toml", MessageWith("control = \"a\"", "[resolve]\n"), "variables/message.toml", MessageWith("control = \"a\"", DefaultControl) },
        { "variable-resolve-shape", "variables/message.toml", "schema_version = 1\ntype = \"string\"\nresolve = \"control\"\n\n[values]\ncontrol = \"a\"\n", "variables/message.toml", "schema_version = 1\ntype = \"string\"\nresolve = { default = \"control\" }\n\n[values]\ncontrol = \"a\"\n" },
        { "variable-rule-shape", "variables/message.toml", MessageWith("control = \"a\"", "[resolve]\ndefault = \"control\"\nrule = [\"premium\"]\n"), "variables/message.toml", MessageWith("control = \"a\"\npremium = \"b\"", "[resolve]\ndefault = \"control\"\nrule = [{ qualifier = \"premium\", value = \"premium\" }]\n") },
        { "variable-rule-unknown-qualifier", "variables/message.toml", Message.Replace("qualifier = \"premium\"", "qualifier = \"nope\"", StringComparison.Ordinal), "variables/message.toml", Message },
        { "variable-rule-shadowed", "variables/message.toml", Message + Rule("premium", "control"), "variables/message.toml", Message + Rule("premium-extra", "control") },
        { "variable-rule-selects-default-value", "variables/message.toml", MessageWith("control = \"a\"\npremium = \"b\"", DefaultControl + Rule("premium", "control") + Rule("premium-extra", "premium")), "variables/message.toml", Message },
        { "variable-value-unused", "variables/message.toml", Message.Replace("premium = \"b\"", "premium = \"b\"\nspare = \"c\"", StringComparison.Ordinal), "variables/message.toml", Message },
        { "resource-parse-failed", "resources/config.toml", "schema_version = 1\nschema = \n", "resources/config.toml", "schema_version = 1\nschema = \"./../schemas/config.schema.json\"\n" },
        { "resource-object-parse-failed", "resources/config-objects/small.toml", "name = \"small\n", "resources/config-objects/small.toml", "name = '''small'''\n" },
        { "resource-schema-version", "resources/config.toml", "schema = \"../schemas/config.schema.json\"\n", "resources/config.toml", "schema_version = 1\nschema = \"../schemas/config.schema.json\"\ndescription = \"x\"\n" },
        { "resource-schema-ref", "resources/config.toml", "schema_version = 1\nschema = \"../../config.schema.json\"\n", "resources/config.toml", "schema_version = 1\nschema = \"../schemas/../schemas/config.schema.json\"\n" },
        { "resource-object-schema-mismatch", "resources/config-objects/small.toml", "name = 5\n", "resources/config-objects/small.toml", "name = \"5\"\nextra = 5\n" },
        { "resource-object-unknown-reference", "resources/config-objects/small.toml", "name = \"small\"\nfallback = \"large\"\n", "resources/config-objects/small.toml", "name = \"small\"\nfallback = \"small\"\n" },
        { "schema-parse-failed", "schemas/config.schema.json", """{"type":"object",}""", "schemas/config.schema.json", """{"type":"object" }""" },
        { "schema-invalid", "schemas/config.schema.json", """{"type":"object","minProperties":-1}""", "schemas/config.schema.json", """{"type":"object","minProperties":0}""" },
        { "schema-unreferenced", "schemas/spare.schema.json", """{"type":"object"}""", "schemas/context.schema.json", ContextSchema },
    };

    private static WorkspaceLint LintBaseWith(string path, string? text, bool withExtraQualifier)
    {
        using var workspace = new TempWorkspace();
        foreach (var (file, content) in Base)
        {
            workspace.Write(file, content);
        }
        if (withExtraQualifier)
        {
            workspace.Write("qualifiers/premium-extra.toml", Qualifier(Predicate("user.age", "gte", "value = 18")));
        }
        if (text is null)
        {
            File.Delete(Path.Combine(workspace.Root, path));
        }
        else
        {
            workspace.Write(path, text);
        }
        return OtherFixtureLintTests.LintDirectory(workspace.Root);
    }

    private static bool NeedsExtraQualifier(params string?[] texts) => texts.Any(t => t?.Contains("premium-extra", StringComparison.Ordinal) == true);

    [Fact]
    public void Base_workspace_lints_clean()
    {
        Assert.Empty(LintBaseWith("qualifiers/premium.toml", Premium, withExtraQualifier: false).Diagnostics);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Change_triggers_the_rule(string rule, string path, string? text, string nearMissPath, string? nearMissText)
    {
        _ = (nearMissPath, nearMissText);
        var lint = LintBaseWith(path, text, NeedsExtraQualifier(text));

        Assert.Contains(lint.Diagnostics, d => d.Rule == "rototo/" + rule);
        var info = LintRuleCatalog.Find("rototo/" + rule)!;
        Assert.All(lint.Diagnostics.Where(d => d.Rule == info.Rule), d => Assert.Equal(info.Severity, d.Severity));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Near_miss_does_not_trigger_the_rule(string rule, string path, string? text, string nearMissPath, string? nearMissText)
    {
        _ = (path, text);
        var lint = LintBaseWith(nearMissPath, nearMissText, NeedsExtraQualifier(nearMissText));

        Assert.DoesNotContain(lint.Diagnostics, d => d.Rule == "rototo/" + rule);
    }

    [Fact]
    public void Every_built_in_rule_that_files_can_trigger_has_a_case()
    {
        var covered = Cases.Select(c => "rototo/" + (string)c.Data.Item1).ToHashSet();
        string[] elsewhere = ["workspace-not-found", "workspace-manifest-missing", "custom-lint-failed", "custom-lint-registration-invalid", "custom-lint-rule-conflict", "custom-lint-file-unregistered", "custom-lint-registration-duplicate", "qualifier-reference-depth"];

        Assert.Equal(LintRuleCatalog.All.Select(r => r.Rule).Except(elsewhere.Select(e => "rototo/" + e)).Order(), covered.Order());
    }
}
