using Rototo.Discovery;
using Rototo.Sources;
using static Rototo.Tests.Lint.DiagnosticShape;

namespace Rototo.Tests.Lint;

/// <summary>
/// rototo's canonical rule fixtures (rototo-acceptance.md G-02..G-38, built-in rules): each workspace under
/// <c>tests/fixtures/workspaces/rules/</c> gives exactly the listed diagnostic multiset. <c>{root}</c> stands for the
/// canonical workspace root.
/// </summary>
public sealed class CanonicalRuleFixtureTests
{
    private const string Manifest = """{"kind":"manifest"}""";

    private static string Q(string id) => $$"""{"kind":"qualifier","id":"{{id}}"}""";

    private static string P(string qualifier, int index) => $$"""{"kind":"predicate","qualifier":"{{qualifier}}","index":{{index}}}""";

    private static string V(string id) => $$"""{"kind":"variable","id":"{{id}}"}""";

    private static string Val(string variable, string key) => $$"""{"kind":"value","variable":"{{variable}}","key":"{{key}}"}""";

    private static string R(string variable, int index) => $$"""{"kind":"rule","variable":"{{variable}}","index":{{index}}}""";

    private static string S(string path) => $$"""{"kind":"schema","path":"{{path}}"}""";

    public static TheoryData<string, string, bool, string[]> Cases { get; } = new()
    {
        { "G-02", "discover/workspace-manifest-missing", false, [Expect("workspace-manifest-missing", "E", "discover", """{"kind":"workspace"}""", "{root}", "doc")] },
        { "G-03", "parse/workspace-manifest-parse-failed", false, [Expect("workspace-manifest-parse-failed", "E", "parse", Manifest, "rototo-workspace.toml", "2:10-3:0")] },
        { "G-04", "parse/qualifier-parse-failed", false, [Expect("qualifier-parse-failed", "E", "parse", Q("broken"), "qualifiers/broken.toml", "2:10-3:0")] },
        { "G-05", "parse/variable-parse-failed", false, [Expect("variable-parse-failed", "E", "parse", V("broken"), "variables/broken.toml", "3:8-4:0")] },
        { "G-06", "parse/schema-parse-failed", false, [Expect("schema-parse-failed", "E", "parse", S("schemas/broken.schema.json"), "schemas/broken.schema.json", "2:0-2:1")] },
        { "G-07", "project/workspace-manifest-schema-failed", false, [Expect("workspace-manifest-schema-failed", "E", "project", Manifest, "rototo-workspace.toml", "doc")] },
        { "G-08", "project/qualifier-schema-version", false, [Expect("qualifier-schema-version", "E", "project", Q("premium-users"), "qualifiers/premium-users.toml", "doc")] },
        { "G-09", "project/qualifier-predicate-missing", false, [Expect("qualifier-predicate-missing", "E", "project", Q("premium-users"), "qualifiers/premium-users.toml", "doc")] },
        { "G-10", "project/qualifier-predicate-shape", false, [Expect("qualifier-predicate-shape", "E", "project", P("premium-users", 0), "qualifiers/premium-users.toml", "2:0-4:17")] },
        { "G-11", "project/qualifier-predicate-unknown-op", false, [Expect("qualifier-predicate-unknown-op", "E", "project", P("premium-users", 0), "qualifiers/premium-users.toml", "4:5-4:15")] },
        { "G-12", "project/qualifier-predicate-bucket", false, [Expect("qualifier-predicate-bucket", "E", "project", P("beta-bucket", 0), "qualifiers/beta-bucket.toml", "6:8-6:18")] },
        { "G-13", "project/qualifier-predicate-value", false, [Expect("qualifier-predicate-value", "E", "project", P("premium-users", 0), "qualifiers/premium-users.toml", "5:8-5:17")] },
        { "G-14", "project/variable-schema-version", false, [Expect("variable-schema-version", "E", "project", V("message"), "variables/message.toml", "doc")] },
        { "G-15", "project/variable-values-missing", false, [Expect("variable-values-missing", "E", "project", V("message"), "variables/message.toml", "doc")] },
        {
            "G-16", "project/variable-resolve-missing-default", false,
            [
                Expect("variable-resolve-missing-default", "E", "project", V("message"), "variables/message.toml", "6:0-7:0"),
                Expect("variable-value-unused", "W", "graph", Val("message", "control"), "variables/message.toml", "4:10-4:19"),
            ]
        },
        {
            "G-17", "project/variable-resolve-shape", false,
            [
                Expect("variable-resolve-shape", "E", "project", V("message"), "variables/message.toml", "3:10-3:15"),
                Expect("variable-value-unused", "W", "graph", Val("message", "control"), "variables/message.toml", "6:10-6:19"),
            ]
        },
        { "G-18", "project/variable-rule-shape", false, [Expect("variable-rule-shape", "E", "project", R("message", 0), "variables/message.toml", "9:8-9:21")] },
        {
            "G-20", "project/workspace-context-schema-ref", false,
            [
                Expect("workspace-context-schema-ref", "E", "project", S("schemas/context.schema.json"), "schemas/context.schema.json", "doc"),
                Expect("schema-invalid", "E", "project", S("schemas/context.schema.json"), "schemas/context.schema.json", "doc"),
            ]
        },
        { "G-21", "project/workspace-context-schema-reserved-field", false, [Expect("workspace-context-schema-reserved-field", "E", "project", S("schemas/context.schema.json"), "schemas/context.schema.json", "doc")] },
        { "G-22", "reference/workspace-context-schema-attribute", false, [Expect("workspace-context-schema-attribute", "E", "reference", P("missing-context", 0), "qualifiers/missing-context.toml", "3:12-3:28")] },
        {
            "G-23", "reference/workspace-context-schema-missing", true,
            [Expect("workspace-context-schema-missing", "W", "reference", Manifest, "rototo-workspace.toml", "doc", "qualifiers/premium-users.toml 3:12-3:23 context attribute read here: user.tier")]
        },
        {
            "G-24", "reference/qualifier-predicate-context-type-mismatch", false,
            [
                Expect("qualifier-predicate-context-type-mismatch", "E", "reference", P("boolean-in-string", 0), "qualifiers/boolean-in-string.toml", "5:8-5:16"),
                Expect("qualifier-predicate-context-type-mismatch", "E", "reference", P("integer-eq-string", 0), "qualifiers/integer-eq-string.toml", "5:8-5:11"),
                Expect("qualifier-predicate-context-type-mismatch", "E", "reference", P("object-bucket", 0), "qualifiers/object-bucket.toml", "4:5-4:13"),
                Expect("qualifier-predicate-context-type-mismatch", "E", "reference", P("string-gt-number", 0), "qualifiers/string-gt-number.toml", "4:5-4:9"),
            ]
        },
        { "G-25", "reference/schema-unreferenced", true, [Expect("schema-unreferenced", "W", "reference", S("schemas/unused.schema.json"), "schemas/unused.schema.json", "doc")] },
        { "G-26", "reference/qualifier-predicate-unknown-qualifier", false, [Expect("qualifier-predicate-unknown-qualifier", "E", "reference", P("derived", 0), "qualifiers/derived.toml", "3:12-3:31")] },
        { "G-27", "reference/variable-unknown-value", false, [Expect("variable-unknown-value", "E", "reference", V("message"), "variables/message.toml", "7:10-7:19")] },
        { "G-28", "reference/variable-rule-unknown-qualifier", false, [Expect("variable-rule-unknown-qualifier", "E", "reference", R("checkout-redesign", 0), "variables/checkout-redesign.toml", "11:12-11:27")] },
        { "G-29", "value/variable-unknown-type", false, [Expect("variable-unknown-type", "E", "value", V("message"), "variables/message.toml", "1:7-1:13")] },
        { "G-30", "value/variable-value-type-mismatch", false, [Expect("variable-value-type-mismatch", "E", "value", Val("enabled", "control"), "variables/enabled.toml", "4:10-4:22")] },
        { "G-31", "project/schema-invalid", false, [Expect("schema-invalid", "E", "project", S("schemas/broken.schema.json"), "schemas/broken.schema.json", "doc")] },
        {
            "G-32", "graph/qualifier-cycle", false,
            [
                Expect("qualifier-cycle", "E", "graph", Q("alpha"), "qualifiers/alpha.toml", "3:12-3:28", "qualifiers/beta.toml 3:12-3:29 cycle reference: beta -> alpha"),
                Expect("qualifier-cycle", "E", "graph", Q("beta"), "qualifiers/beta.toml", "3:12-3:29", "qualifiers/alpha.toml 3:12-3:28 cycle reference: alpha -> beta"),
                Expect("qualifier-cycle", "E", "graph", Q("self"), "qualifiers/self.toml", "3:12-3:28"),
            ]
        },
        { "G-33", "graph/qualifier-unreferenced", true, [Expect("qualifier-unreferenced", "W", "graph", Q("unused"), "qualifiers/unused.toml", "doc")] },
        {
            "G-34", "graph/qualifier-unreachable", true,
            [
                Expect("qualifier-unreachable", "W", "graph", Q("dead-leaf"), "qualifiers/dead-leaf.toml", "doc"),
                Expect("qualifier-unreferenced", "W", "graph", Q("dead-root"), "qualifiers/dead-root.toml", "doc"),
            ]
        },
        {
            "G-35", "graph/qualifier-predicate-duplicate", true,
            [Expect("qualifier-predicate-duplicate", "W", "graph", P("premium-users", 1), "qualifiers/premium-users.toml", "7:0-10:17", "qualifiers/premium-users.toml 2:0-5:17 first matching predicate: 1")]
        },
        {
            "G-36", "graph/variable-rule-shadowed", true,
            [Expect("variable-rule-shadowed", "W", "graph", R("checkout", 1), "variables/checkout.toml", "16:12-16:27", "variables/checkout.toml 12:12-12:27 first rule using qualifier: premium-users")]
        },
        {
            "G-37", "graph/variable-rule-selects-default-value", true,
            [Expect("variable-rule-selects-default-value", "W", "graph", R("message", 0), "variables/message.toml", "11:8-11:17", "variables/message.toml 7:10-7:19 resolve default value: control")]
        },
        { "G-38", "graph/variable-value-unused", true, [Expect("variable-value-unused", "W", "graph", Val("message", "unused"), "variables/message.toml", "5:9-5:23")] },
    };

    [ReferenceDataTheory]
    [MemberData(nameof(Cases))]
    public void Canonical_fixture_gives_exactly_the_listed_diagnostics(string id, string workspace, bool success, string[] expected)
    {
        var root = TestData.SharedRototo("tests/fixtures/workspaces/rules/" + workspace);
        var lint = WorkspaceLint.Run(WorkspaceDiscovery.Discover(root, WorkspaceSourceOptions.Default));

        AssertSameSet(expected.Select(e => e.Replace("{root}", lint.Root, StringComparison.Ordinal)), lint.Diagnostics);
        Assert.True(success != lint.HasErrors, $"{id}: expected success = {success}");
    }

    [ReferenceDataFact]
    public void Missing_workspace_reports_the_path_as_given_without_documents()
    {
        var given = TestData.SharedRototo("tests/fixtures/workspaces/rules/discover/workspace-not-found");
        var lint = WorkspaceLint.Run(WorkspaceDiscovery.Discover(given, WorkspaceSourceOptions.Default));

        AssertSameSet([Expect("workspace-not-found", "E", "discover", """{"kind":"workspace"}""", given, "doc")], lint.Diagnostics);
        Assert.Empty(lint.Documents);
    }
}
