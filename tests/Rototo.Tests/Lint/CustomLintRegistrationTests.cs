using Rototo.Lint;
using Rototo.Lint.Custom;

namespace Rototo.Tests.Lint;

/// <summary>Registration validation of custom Lua lint (rototo.md §10.2) and the outer timeout of a Lua pass (§10.1).</summary>
public sealed class CustomLintRegistrationTests
{
    [Theory]
    [InlineData("payments", "custom rule id must use <authority>/<rule-id>")]
    [InlineData("a/b/c", "custom rule id must contain exactly one slash")]
    [InlineData("rototo/mine", "rototo is reserved for built-in diagnostic rules")]
    [InlineData("Payments/limit", "rule id segments must use lowercase ASCII letters, digits, and hyphen")]
    [InlineData("payments/", "rule id segments must use lowercase ASCII letters, digits, and hyphen")]
    [InlineData("payments/max_tokens", "rule id segments must use lowercase ASCII letters, digits, and hyphen")]
    public void Invalid_rule_id_gives_its_reason(string id, string reason)
    {
        Assert.Equal(reason, RegistrationRules.RuleIdProblem(id));
    }

    [Theory]
    [InlineData("payments/max-token-budget")]
    [InlineData("team-2/rule-9")]
    public void Valid_rule_id_has_no_problem(string id)
    {
        Assert.Null(RegistrationRules.RuleIdProblem(id));
    }

    [Theory]
    [InlineData("workspace", "extends", true)]
    [InlineData("workspace", "id", false)]
    [InlineData("qualifier", "predicates", true)]
    [InlineData("qualifier", "type", false)]
    [InlineData("variable", "resolve", true)]
    [InlineData("variable", "predicates", false)]
    [InlineData("value", "value.limits.max_tokens", true)]
    [InlineData("value", "value.", false)]
    [InlineData("value", "value.a..b", false)]
    [InlineData("value", "json", false)]
    [InlineData("schema", "json.properties", true)]
    [InlineData("schema", "json", true)]
    [InlineData("schema", "value", false)]
    public void Field_selectors_are_allowed_per_entity(string entity, string field, bool allowed)
    {
        Assert.Equal(allowed, RegistrationRules.IsField(entity, field));
    }

    [Fact]
    public void Severity_other_than_error_or_warning_is_invalid()
    {
        var raw = new LuaRegistration("policy", "variable", null, "check", "team/rule", "Title", "Help", "info", HandlerExists: true, Index: 0);

        Assert.Equal("custom lint registration rule severity is unsupported: info", RegistrationRules.Validate("lint/x.lua", raw, out var valid));
        Assert.Null(valid);
    }

    [Fact]
    public void Absent_severity_means_error()
    {
        var raw = new LuaRegistration("policy", "variable", null, "check", "team/rule", "Title", "Help", null, HandlerExists: true, Index: 0);

        Assert.Null(RegistrationRules.Validate("lint/x.lua", raw, out var valid));
        Assert.Equal((LintStage.Policy, LintSeverity.Error, (string?)null), (valid!.Stage, valid.Rule.Severity, valid.Rule.Entity));
    }

    [Theory]
    [InlineData("register = 5", "custom lint has invalid register function: expected a function, got number")]
    [InlineData("local x = 1", "custom lint must define register(lint)")]
    [InlineData("function register(lint) lint:on(1, 2, 3) end", "custom lint registration failed: lint:on expects a single registration table")]
    [InlineData("function register(lint) lint:on{ stage = 'value', entity = 'value', handler = 'h' } end", "custom lint registration failed: registration must contain rule metadata")]
    [InlineData("function register(lint) lint:on{ stage = 'value', entity = 'value', handler = '', rule = {} } end", "custom lint registration failed: registration must contain handler")]
    [InlineData("function register(lint) lint:on{ stage = 'value', entity = 'value', handler = 'h', rule = { id = 'a/b', title = 't' } } end", "custom lint registration failed: registration must contain help")]
    [InlineData("this is not lua", "failed to execute custom lint: [string \"lint/x.lua\"]")]
    public void Broken_register_contract_is_one_custom_lint_failed(string script, string message)
    {
        using var workspace = new TempWorkspace().Write("lint/x.lua", script);
        var diagnostic = Assert.Single(OtherFixtureLintTests.LintDirectory(workspace.Root).Diagnostics);

        Assert.Equal(("rototo/custom-lint-failed", LintStage.Register), (diagnostic.Rule, diagnostic.Stage));
        Assert.StartsWith(message.Replace("[string \"lint/x.lua\"]", "lint/x.lua:1:", StringComparison.Ordinal), diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Handler_returning_a_string_is_a_handler_failure()
    {
        using var workspace = new TempWorkspace().Write("lint/x.lua", """
            function h(ctx) return "nope" end
            function register(lint)
              lint:on{ stage = "graph", entity = "workspace", handler = "h", rule = { id = "a/b", title = "t", help = "h" } }
            end
            """);
        var diagnostic = Assert.Single(OtherFixtureLintTests.LintDirectory(workspace.Root).Diagnostics);

        Assert.Equal(("rototo/custom-lint-failed", LintStage.Graph, "custom lint handler failed in lint/x.lua: custom lint must return a list of diagnostics, got string"),
            (diagnostic.Rule, diagnostic.Stage, diagnostic.Message));
    }

    [Fact]
    public void Pass_running_past_the_outer_timeout_is_abandoned()
    {
        using var release = new ManualResetEventSlim();
        var job = LuaWorkers.Start(() => release.Wait(TimeSpan.FromSeconds(30)) ? "finished" : "gave up");

        Assert.Null(job.Wait(TimeSpan.FromMilliseconds(300)));
        release.Set();
        Assert.Equal("finished", LuaWorkers.Start(() => "finished").Wait(TimeSpan.FromSeconds(10)));
    }
}

/// <summary>Near misses of the register-stage rules and the discover rules: almost the triggering input, no diagnostic.</summary>
public sealed class CustomLintNearMissTests
{
    private const string Check = "function check(ctx) return nil end\n";

    private static string On(string stage, string handler, string id, string title) =>
        $"  lint:on{{ stage = \"{stage}\", entity = \"variable\", handler = \"{handler}\", rule = {{ id = \"{id}\", title = \"{title}\", help = \"Same help\" }} }}\n";

    public static TheoryData<string, string> Cases { get; } = new()
    {
        // Same rule twice with the same metadata is no conflict; it is not a duplicate either (different handlers).
        { "custom-lint-rule-conflict", Check + "function other(ctx) return nil end\nfunction register(lint)\n" + On("policy", "check", "team/rule", "Title") + On("graph", "other", "team/rule", "Title") + "end\n" },
        // Same stage, entity, rule and handler but another field: not a duplicate.
        { "custom-lint-registration-duplicate", Check + "function register(lint)\n" + On("policy", "check", "team/rule", "Title") + On("policy", "check", "team/rule", "Title").Replace("entity = \"variable\",", "entity = \"variable\", field = \"type\",", StringComparison.Ordinal) + "end\n" },
        // The last stage custom lint may use.
        { "custom-lint-registration-invalid", Check + "function register(lint)\n" + On("policy", "check", "team/rule", "Title") + "end\n" },
        // One registration is enough.
        { "custom-lint-file-unregistered", Check + "function register(lint)\n" + On("project", "check", "team/rule", "Title") + "end\n" },
        // register fails only when it raises: a caught error inside it is fine.
        { "custom-lint-failed", Check + "function register(lint)\n  pcall(error, \"caught\")\n" + On("value", "check", "team/rule", "Title") + "end\n" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Almost_triggering_script_gives_no_diagnostic(string rule, string script)
    {
        using var workspace = new TempWorkspace().Write("lint/near.lua", script);
        var lint = OtherFixtureLintTests.LintDirectory(workspace.Root);

        Assert.DoesNotContain(lint.Diagnostics, d => d.Rule == "rototo/" + rule);
        Assert.Empty(lint.Diagnostics);
    }

    [Fact]
    public void Directory_with_a_manifest_is_found_and_a_missing_one_is_not()
    {
        using var workspace = new TempWorkspace();
        Directory.CreateDirectory(Path.Combine(workspace.Root, "nested"));

        Assert.Empty(OtherFixtureLintTests.LintDirectory(workspace.Root).Diagnostics);
        var missing = Assert.Single(OtherFixtureLintTests.LintDirectory(Path.Combine(workspace.Root, "nested")).Diagnostics);
        Assert.Equal("rototo/workspace-manifest-missing", missing.Rule);
        var notFound = Assert.Single(OtherFixtureLintTests.LintDirectory(Path.Combine(workspace.Root, "rototo-workspace.toml")).Diagnostics);
        Assert.Equal(("rototo/workspace-not-found", "workspace path is not a directory"), (notFound.Rule, notFound.Message));
    }
}
