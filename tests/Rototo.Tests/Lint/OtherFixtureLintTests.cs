using Rototo.Discovery;
using Rototo.Lint;
using Rototo.Sources;

namespace Rototo.Tests.Lint;

/// <summary>Lint of rototo's other fixture workspaces and inline workspaces (rototo-acceptance.md H-03..H-12, built-in parts).</summary>
public sealed class OtherFixtureLintTests
{
    internal static WorkspaceLint LintFixture(string name) =>
        WorkspaceLint.Run(WorkspaceDiscovery.Discover(TestData.SharedRototo("tests/fixtures/workspaces/" + name), WorkspaceSourceOptions.Default));

    internal static WorkspaceLint LintDirectory(string root) => WorkspaceLint.Run(WorkspaceDiscovery.Discover(root, WorkspaceSourceOptions.Default));

    internal static bool Has(WorkspaceLint lint, string rule, LintStage stage, string path) =>
        lint.Diagnostics.Any(d => d.Rule == rule && d.Stage == stage && d.Location.Path == path);

    [ReferenceDataFact]
    public void Invalid_manifest_toml_gives_one_ranged_parse_diagnostic()
    {
        var lint = LintFixture("invalid-workspace-toml");

        var diagnostic = Assert.Single(lint.Diagnostics);
        Assert.Equal(("rototo/workspace-manifest-parse-failed", LintStage.Parse, "manifest", "rototo-workspace.toml"), (diagnostic.Rule, diagnostic.Stage, diagnostic.Entity.Kind, diagnostic.Location.Path));
        Assert.NotNull(diagnostic.Location.Range);
    }

    [ReferenceDataFact]
    public void Unsupported_schema_version_is_one_document_level_manifest_diagnostic()
    {
        var lint = LintFixture("unsupported-schema-version");

        var diagnostic = Assert.Single(lint.Diagnostics);
        Assert.Equal(("rototo/workspace-manifest-schema-failed", LintStage.Project, "manifest", "unsupported workspace schema_version: 2"), (diagnostic.Rule, diagnostic.Stage, diagnostic.Entity.Kind, diagnostic.Message));
        Assert.Null(diagnostic.Location.Range);
    }

    [ReferenceDataFact]
    public void Broken_qualifier_and_variable_files_each_give_a_ranged_parse_diagnostic_in_path_order()
    {
        var lint = LintFixture("invalid-workspace-file-toml");

        Assert.Equal(["rototo/qualifier-parse-failed", "rototo/variable-parse-failed"], lint.Diagnostics.Select(d => d.Rule));
        Assert.Equal(["qualifier", "variable"], lint.Diagnostics.Select(d => d.Entity.Kind));
        Assert.All(lint.Diagnostics, d => Assert.Equal(("broken", true), (d.Entity.Id, d.Location.Range is not null)));
    }

    [ReferenceDataTheory]
    [InlineData("rototo/qualifier-schema-version", "qualifiers/missing-schema-version.toml")]
    [InlineData("rototo/qualifier-predicate-missing", "qualifiers/missing-predicate.toml")]
    [InlineData("rototo/qualifier-predicate-shape", "qualifiers/predicate-shape.toml")]
    [InlineData("rototo/variable-schema-version", "variables/missing-schema-version.toml")]
    [InlineData("rototo/variable-type-source", "variables/type-or-schema.toml")]
    [InlineData("rototo/variable-values-missing", "variables/values-missing.toml")]
    [InlineData("rototo/variable-resolve-missing-default", "variables/resolve-missing-default.toml")]
    [InlineData("rototo/variable-resolve-shape", "variables/resolve-shape.toml")]
    [InlineData("rototo/variable-rule-shape", "variables/rule-shape.toml")]
    public void Rule_coverage_fixture_reports_each_project_rule_at_its_file(string rule, string path)
    {
        var lint = LintFixture("rule-coverage");

        Assert.True(lint.HasErrors);
        Assert.True(Has(lint, rule, LintStage.Project, path), string.Join('\n', lint.Diagnostics));
    }

    [ReferenceDataTheory]
    [InlineData("rototo/schema-parse-failed", LintStage.Parse, "schemas/invalid-json.schema.json")]
    [InlineData("rototo/qualifier-predicate-bucket", LintStage.Project, "qualifiers/bad-bucket.toml")]
    [InlineData("rototo/qualifier-predicate-unknown-op", LintStage.Project, "qualifiers/bad-value-shape.toml")]
    [InlineData("rototo/qualifier-predicate-value", LintStage.Project, "qualifiers/bad-value-shape.toml")]
    [InlineData("rototo/qualifier-predicate-unknown-qualifier", LintStage.Reference, "qualifiers/bad-reference.toml")]
    [InlineData("rototo/variable-rule-unknown-qualifier", LintStage.Reference, "variables/bad-resolve.toml")]
    [InlineData("rototo/variable-unknown-value", LintStage.Reference, "variables/bad-resolve.toml")]
    [InlineData("rototo/resource-schema-ref", LintStage.Reference, "resources/bad-schema-ref.toml")]
    [InlineData("rototo/resource-object-schema-mismatch", LintStage.Value, "resources/bad-schema-value-objects/broken.toml")]
    [InlineData("rototo/variable-value-type-mismatch", LintStage.Value, "variables/bad-type-value.toml")]
    [InlineData("rototo/variable-unknown-type", LintStage.Value, "variables/unknown-type.toml")]
    [InlineData("rototo/qualifier-cycle", LintStage.Graph, "qualifiers/cycle-a.toml")]
    [InlineData("rototo/qualifier-unreferenced", LintStage.Graph, "qualifiers/unreferenced.toml")]
    [InlineData("rototo/variable-rule-shadowed", LintStage.Graph, "variables/graph-warnings.toml")]
    [InlineData("rototo/variable-value-unused", LintStage.Graph, "variables/graph-warnings.toml")]
    public void Lint_failures_fixture_reports_each_built_in_rule_at_its_stage_and_file(string rule, LintStage stage, string path)
    {
        var lint = LintFixture("lint-failures");

        Assert.True(Has(lint, rule, stage, path), string.Join('\n', lint.Diagnostics));
    }

    [ReferenceDataFact]
    public void Lint_failures_fixture_pins_entities_messages_and_ranges()
    {
        var lint = LintFixture("lint-failures");

        Assert.NotNull(lint.Diagnostics.Single(d => d.Rule == "rototo/schema-parse-failed").Location.Range);
        Assert.Contains(lint.Diagnostics, d => d.Rule == "rototo/qualifier-predicate-unknown-qualifier" && d.Entity == new DiagnosticEntity("predicate", Owner: "bad-reference", Index: 0));
        Assert.Contains(lint.Diagnostics, d => d.Rule == "rototo/variable-unknown-value" && d.Message == "rule references unknown value: another-missing-value");
        Assert.Contains(lint.Diagnostics, d => d.Rule == "rototo/resource-object-schema-mismatch" && d.Entity.ToJson().ToJsonString() == """{"kind":"resource_object","resource":"bad-schema-value","key":"broken"}""");
        Assert.Contains(lint.Diagnostics, d => d.Rule == "rototo/variable-value-type-mismatch" && d.Entity == new DiagnosticEntity("value", Owner: "bad-type-value", Key: "bad") && d.Location.Range is not null);
        Assert.Contains(lint.Diagnostics, d => d.Rule == "rototo/variable-unknown-type" && d.Entity == new DiagnosticEntity("variable", Id: "unknown-type") && d.Location.Range is not null);
    }

    [ReferenceDataTheory]
    [InlineData("context-schema-invalid-json")]
    [InlineData("context-schema-invalid-schema")]
    public void Unusable_context_schema_is_a_project_context_schema_ref_error(string fixture)
    {
        var lint = LintFixture(fixture);

        Assert.Contains(lint.Diagnostics, d => d.Rule == "rototo/workspace-context-schema-ref" && d.Stage == LintStage.Project
            && d.Location.Path == "schemas/context.schema.json" && d.Entity == new DiagnosticEntity("schema", Path: "schemas/context.schema.json"));
    }

    [ReferenceDataFact]
    public void Undeclared_context_attribute_is_the_only_diagnostic()
    {
        var lint = LintFixture("context-schema-attribute");

        var diagnostic = Assert.Single(lint.Diagnostics);
        Assert.Equal(("rototo/workspace-context-schema-attribute", LintStage.Reference, "predicate", "qualifiers/missing-context-contract.toml"), (diagnostic.Rule, diagnostic.Stage, diagnostic.Entity.Kind, diagnostic.Location.Path));
        Assert.NotNull(diagnostic.Location.Range);
    }

    [ReferenceDataFact]
    public void Normalized_schema_reference_lints_clean_and_lists_the_schema_once()
    {
        var lint = LintFixture("schema-contract-normalized");

        Assert.Empty(lint.Diagnostics);
        Assert.Single(lint.Documents, d => d.Path == "schemas/value.schema.json");
    }

    [ReferenceDataTheory]
    [InlineData("schema-contract-invalid", "rototo/schema-invalid")]
    [InlineData("schema-contract-parse-failed", "rototo/schema-parse-failed")]
    public void Broken_value_schema_gives_only_its_own_diagnostic(string fixture, string rule)
    {
        var lint = LintFixture(fixture);

        Assert.Equal([rule], lint.Diagnostics.Select(d => d.Rule));
        Assert.Equal(new DiagnosticEntity("schema", Path: "schemas/value.schema.json"), lint.Diagnostics[0].Entity);
    }

    [ReferenceDataFact]
    public void Resource_schema_escaping_the_workspace_is_a_reference_error()
    {
        var lint = LintFixture("path-safety-escapes");

        Assert.True(Has(lint, "rototo/resource-schema-ref", LintStage.Reference, "resources/message.toml"), string.Join('\n', lint.Diagnostics));
    }

    private const string MessageResource = """
        schema_version = 1
        schema = "../schemas/message.schema.json"
        """;

    private const string MessageSchema = """{"type":"object","required":["value"],"properties":{"value":{"type":"string"}}}""";

    private static TempWorkspace ResourceBackedWorkspace()
    {
        var workspace = new TempWorkspace()
            .Write("resources/message.toml", MessageResource)
            .Write("resources/message-objects/default.toml", "value = \"literal object field\"\n")
            .Write("schemas/message.schema.json", MessageSchema);
        return workspace;
    }

    [Fact]
    public void Resource_backed_variable_selecting_an_object_lints_clean()
    {
        using var workspace = ResourceBackedWorkspace().Write("variables/message.toml", "schema_version = 1\ntype = \"resource:message\"\n\n[resolve]\ndefault = \"default\"\n");

        Assert.False(LintDirectory(workspace.Root).HasErrors);
    }

    [Fact]
    public void Resource_backed_variable_with_inline_values_is_refused_without_a_type_mismatch()
    {
        using var workspace = ResourceBackedWorkspace().Write("variables/message.toml", "schema_version = 1\ntype = \"resource:message\"\n\n[values]\ndefault = \"inline\"\n\n[resolve]\ndefault = \"default\"\n");
        var rules = LintDirectory(workspace.Root).Diagnostics.Select(d => d.Rule).ToList();

        Assert.Contains("rototo/variable-values-disallowed", rules);
        Assert.DoesNotContain("rototo/variable-value-type-mismatch", rules);
    }

    [Fact]
    public void Self_referencing_qualifier_is_a_cycle_and_not_unreferenced()
    {
        using var workspace = new TempWorkspace().Qualifier("self", ("qualifier.self", "eq", "true"));

        Assert.Equal(["rototo/qualifier-cycle"], LintDirectory(workspace.Root).Diagnostics.Select(d => d.Rule));
    }

    [Fact]
    public void Blank_extends_source_is_one_manifest_schema_diagnostic()
    {
        using var workspace = new TempWorkspace().Write("rototo-workspace.toml", "schema_version = 1\nextends = [\"../base\", \"  \"]\n");
        var diagnostic = Assert.Single(LintDirectory(workspace.Root).Diagnostics);

        Assert.Equal(("rototo/workspace-manifest-schema-failed", "workspace extends source must not be blank"), (diagnostic.Rule, diagnostic.Message));
    }

    [Fact]
    public void Unterminated_manifest_string_and_truncated_schema_give_only_their_parse_diagnostics()
    {
        using var workspace = new TempWorkspace()
            .Write("rototo-workspace.toml", "schema_version = 1\n[workspace]\nlabel = \"café\n")
            .Write("schemas/broken.schema.json", """{"title":"café","type":}""");

        Assert.Equal(["rototo/workspace-manifest-parse-failed", "rototo/schema-parse-failed"], LintDirectory(workspace.Root).Diagnostics.Select(d => d.Rule).Order(StringComparer.Ordinal).Reverse());
    }
}
