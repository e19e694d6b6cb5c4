using Rototo.Lint;
using static Rototo.Tests.Lint.DiagnosticShape;

namespace Rototo.Tests.Lint;

/// <summary>Custom Lua lint (rototo.md §10; rototo-acceptance.md G-19, G-39..G-42, H-07, H-10, I-01..I-04) with this project's own Lua files.</summary>
public sealed class CustomLintTests
{
    private static WorkspaceLint Lint(LuaWorkspace workspace) => OtherFixtureLintTests.LintDirectory(workspace.Root);

    private static string CustomLint(string path) => $$"""{"kind":"custom_lint","path":"{{path}}"}""";

    [ReferenceDataTheory]
    [InlineData("G-19", "rules/project/custom-lint-rule-conflict", "conflict.lua", "conflict.lua", "custom-lint-rule-conflict", "E")]
    [InlineData("G-39", "rules/register/custom-lint-failed", "broken.lua", "broken.lua", "custom-lint-failed", "E")]
    [InlineData("G-40", "rules/register/custom-lint-file-unregistered", "empty.lua", "empty.lua", "custom-lint-file-unregistered", "W")]
    [InlineData("G-42", "rules/register/custom-lint-registration-invalid", "invalid.lua", "invalid.lua", "custom-lint-registration-invalid", "E")]
    public void Canonical_register_fixture_gives_exactly_one_document_level_diagnostic(string id, string fixture, string name, string source, string rule, string severity)
    {
        using var workspace = LuaWorkspace.Fixture(fixture, (name, source));
        var lint = Lint(workspace);

        AssertSameSet([Expect(rule, severity, "register", CustomLint("lint/" + name), "lint/" + name, "doc")], lint.Diagnostics);
        Assert.True(lint.HasErrors == (severity == "E"), id);
    }

    [ReferenceDataFact]
    public void Duplicate_registration_is_a_warning_pointing_at_the_first_one()
    {
        using var workspace = LuaWorkspace.Fixture("rules/register/custom-lint-registration-duplicate", ("duplicate.lua", "duplicate.lua"));
        var lint = Lint(workspace);

        AssertSameSet([Expect("custom-lint-registration-duplicate", "W", "register", CustomLint("lint/duplicate.lua"), "lint/duplicate.lua", "doc", "lint/duplicate.lua doc first matching registration")], lint.Diagnostics);
        Assert.False(lint.HasErrors);
    }

    [Fact]
    public void Messages_of_register_failures_name_the_cause()
    {
        using var workspace = LuaWorkspace.Empty(("a-broken.lua", "broken.lua"), ("b-invalid.lua", "invalid.lua"), ("c-empty.lua", "empty.lua"), ("d-conflict.lua", "conflict.lua"));
        var messages = Lint(workspace).Diagnostics.ToDictionary(d => d.Location.Path, d => d.Message);

        Assert.Equal("custom lint registration failed: lint/a-broken.lua:3: registration refused on purpose", messages["lint/a-broken.lua"]);
        Assert.Equal("custom lint registration has unsupported stage: parse", messages["lint/b-invalid.lua"]);
        Assert.Equal("custom lint file registers no handlers: lint/c-empty.lua", messages["lint/c-empty.lua"]);
        Assert.Equal("custom lint rule metadata conflicts: conflict/rule", messages["lint/d-conflict.lua"]);
    }

    [ReferenceDataFact]
    public void Handler_error_and_handler_diagnostic_are_reported_for_their_targets_at_the_policy_stage()
    {
        using var workspace = LuaWorkspace.Fixture("custom-lint-contract", ("contract.lua", "contract.lua"));
        var lint = Lint(workspace);

        Assert.True(lint.HasErrors);
        var failed = Assert.Single(lint.Diagnostics, d => d.Rule == "rototo/custom-lint-failed");
        Assert.Equal((LintStage.Policy, "variables/custom-failed.toml", new DiagnosticEntity("variable", Id: "custom-failed")), (failed.Stage, failed.Location.Path, failed.Entity));
        Assert.Equal("custom lint handler failed in lint/contract.lua: lint/contract.lua:5: handler refused custom-failed", failed.Message);
        var rejected = Assert.Single(lint.Diagnostics, d => d.Rule == "payments/max-token-budget");
        Assert.Equal((LintStage.Policy, "variables/custom-valid.toml", "custom lint rejected custom-valid", LintSeverity.Error, "Keep token budgets small"),
            (rejected.Stage, rejected.Location.Path, rejected.Message, rejected.Severity, rejected.Help));
    }

    [ReferenceDataFact]
    public void Invalid_registrations_are_dropped_and_the_valid_value_rule_reports_the_ranged_value()
    {
        using var workspace = LuaWorkspace.Fixture("custom-register", ("payments.lua", "payments.lua"));
        var lint = Lint(workspace);

        Assert.Equal(
            ["custom lint registration handler is not callable: missing_handler", "custom lint registration has unsupported stage: parse"],
            lint.Diagnostics.Where(d => d.Rule == "rototo/custom-lint-registration-invalid" && d.Stage == LintStage.Register && d.Location.Path == "lint/payments.lua").Select(d => d.Message).Order(StringComparer.Ordinal));
        var budget = Assert.Single(lint.Diagnostics, d => d.Rule == "payments/max-token-budget");
        Assert.Equal((LintStage.Value, """{"kind":"value","variable":"agent-config","key":"standard"}""", "token budget 6000 exceeds 5000"), (budget.Stage, budget.Entity.ToJson().ToJsonString(), budget.Message));
        Assert.Equal(new Text.TextRange(new(6, 11), new(6, 17)), budget.Location.Range);
    }

    [ReferenceDataFact]
    public void Registration_contract_rejects_stage_entity_and_malformed_field_selectors()
    {
        using var workspace = LuaWorkspace.Fixture("custom-registration-contract", ("register.lua", "register.lua"));
        var lint = Lint(workspace);

        Assert.All(lint.Diagnostics, d => Assert.Equal(("rototo/custom-lint-registration-invalid", LintStage.Register, "lint/register.lua"), (d.Rule, d.Stage, d.Location.Path)));
        Assert.Equal(
            [
                "custom lint registration has unsupported entity: predicate",
                "custom lint registration has unsupported field: value.",
                "custom lint registration has unsupported field: value.bad segment",
                "custom lint registration has unsupported stage: parse",
            ],
            lint.Diagnostics.Select(d => d.Message).Order(StringComparer.Ordinal));
    }

    [ReferenceDataFact]
    public void Targets_and_field_selectors_set_entity_and_location()
    {
        using var workspace = LuaWorkspace.Fixture("custom-targets", ("targets.lua", "targets.lua"));
        var lint = Lint(workspace);
        LintDiagnostic One(string rule) => Assert.Single(lint.Diagnostics, d => d.Rule == "targets/" + rule);

        Assert.True(lint.HasErrors);
        var extends = One("workspace-extends");
        Assert.Equal((LintStage.Project, "workspace", "rototo-workspace.toml", "workspace extends 0 sources"), (extends.Stage, extends.Entity.Kind, extends.Location.Path, extends.Message));
        Assert.Equal(new Text.TextRange(new(1, 10), new(1, 12)), extends.Location.Range);
        var predicates = One("qualifier-predicates");
        Assert.Equal((LintStage.Project, new DiagnosticEntity("qualifier", Id: "premium-users"), "qualifier premium-users has 1 predicate(s)"), (predicates.Stage, predicates.Entity, predicates.Message));
        Assert.NotNull(predicates.Location.Range);
        var type = One("variable-type");
        Assert.Equal((LintStage.Value, new DiagnosticEntity("variable", Id: "agent-config"), "variable agent-config has type resource:agent-config"), (type.Stage, type.Entity, type.Message));
        Assert.Equal(new Text.TextRange(new(3, 7), new(3, 30)), type.Location.Range);
        Assert.Equal(type.Location.Range, One("returned-variable-type").Location.Range);
        var invalid = One("invalid-returned-field");
        Assert.Equal((new DiagnosticEntity("variable", Id: "agent-config"), "variables/agent-config.toml", (Text.TextRange?)null), (invalid.Entity, invalid.Location.Path, invalid.Location.Range));
        var schema = One("schema-json");
        Assert.Equal((LintStage.Value, new DiagnosticEntity("schema", Path: "schemas/config.schema.json"), "schema schemas/config.schema.json declares max_output_tokens"), (schema.Stage, schema.Entity, schema.Message));
    }

    [ReferenceDataFact]
    public void Warning_rule_does_not_fail_lint()
    {
        using var workspace = LuaWorkspace.Fixture("custom-warning", ("advisory.lua", "advisory.lua"));
        var lint = Lint(workspace);

        var diagnostic = Assert.Single(lint.Diagnostics);
        Assert.Equal(("policy/advisory", LintSeverity.Warning, LintStage.Policy, new DiagnosticEntity("variable", Id: "message"), "variables/message.toml"),
            (diagnostic.Rule, diagnostic.Severity, diagnostic.Stage, diagnostic.Entity, diagnostic.Location.Path));
        Assert.Equal(new Text.TextRange(new(1, 7), new(1, 15)), diagnostic.Location.Range);
        Assert.False(lint.HasErrors);
    }

    [ReferenceDataFact]
    public void Lint_failures_custom_rules_report_at_their_stage_and_entity()
    {
        using var workspace = LuaWorkspace.Fixture("lint-failures", ("rejections.lua", "fixture-rejections.lua"));
        var lint = Lint(workspace);

        var variable = Assert.Single(lint.Diagnostics, d => d.Rule == "fixture/custom-variable-rejected");
        Assert.Equal((LintStage.Policy, new DiagnosticEntity("variable", Id: "custom-lint")), (variable.Stage, variable.Entity));
        var value = Assert.Single(lint.Diagnostics, d => d.Rule == "fixture/custom-value-rejected");
        Assert.Equal((LintStage.Value, new DiagnosticEntity("value", Owner: "custom-value-lint", Key: "default"), "custom lint rejected value ok"), (value.Stage, value.Entity, value.Message));
    }

    [ReferenceDataFact]
    public void Path_safe_workspace_with_a_lint_file_lints_clean()
    {
        using var workspace = LuaWorkspace.Fixture("path-safety-valid", ("ok.lua", "ok.lua"));
        var lint = Lint(workspace);

        Assert.Empty(lint.Diagnostics);
        Assert.Contains(lint.Documents, d => d.Path == "lint/ok.lua");
    }

    [ReferenceDataFact]
    public void Lint_file_linked_outside_the_workspace_is_a_register_failure()
    {
        using var workspace = LuaWorkspace.Fixture("path-safety-escapes");
        var outside = workspace.WriteOutside("path-safety-outside.lua", File.ReadAllText(LuaWorkspace.LuaFile("ok.lua")));
        File.CreateSymbolicLink(Path.Combine(workspace.Root, "lint", "escape.lua"), outside);
        var lint = Lint(workspace);

        var failed = Assert.Single(lint.Diagnostics, d => d.Rule == "rototo/custom-lint-failed");
        Assert.Equal((LintStage.Register, """{"kind":"custom_lint","path":"lint/escape.lua"}"""), (failed.Stage, failed.Entity.ToJson().ToJsonString()));
        Assert.Contains("path escapes workspace", failed.Message, StringComparison.Ordinal);
        Assert.Contains(lint.Diagnostics, d => d.Rule == "rototo/resource-schema-ref" && d.Stage == LintStage.Reference && d.Location.Path == "resources/message.toml");
    }

    [Theory]
    [InlineData("hostile-loop.lua", "custom lint exceeded Lua execution limits")]
    [InlineData("hostile-pcall-loop.lua", "custom lint exceeded Lua execution limits")]
    [InlineData("hostile-alloc.lua", "not enough memory")]
    [InlineData("hostile-exit.lua", "attempt to index a nil value (global 'os')")]
    [InlineData("hostile-recursion.lua", "not enough memory")]
    [InlineData("hostile-huge-string.lua", "not enough memory")]
    public void Hostile_register_yields_custom_lint_failed_within_the_limits(string script, string cause)
    {
        using var workspace = LuaWorkspace.Empty(("hostile.lua", script));
        var lint = Lint(workspace);

        var failed = Assert.Single(lint.Diagnostics);
        Assert.Equal(("rototo/custom-lint-failed", LintStage.Register, "lint/hostile.lua"), (failed.Rule, failed.Stage, failed.Location.Path));
        Assert.Contains(cause, failed.Message, StringComparison.Ordinal);
    }

    [ReferenceDataFact]
    public void Handler_that_loops_forever_fails_for_each_target_and_lint_completes()
    {
        using var workspace = LuaWorkspace.Fixture("custom-warning", ("spin.lua", "hostile-handler-loop.lua"));
        var lint = Lint(workspace);

        var failed = Assert.Single(lint.Diagnostics);
        Assert.Equal(("rototo/custom-lint-failed", LintStage.Policy, "custom lint handler failed in lint/spin.lua: custom lint exceeded Lua execution limits"), (failed.Rule, failed.Stage, failed.Message));
    }

    [Fact]
    public void Sandbox_removes_os_io_package_require_load_and_debug()
    {
        using var workspace = LuaWorkspace.Empty(("escape.lua", "hostile-escape.lua"));

        Assert.Empty(Lint(workspace).Diagnostics);
    }
}
