namespace Rototo.Lint;

/// <summary>A catalog entry for a lint rule (§9.3).</summary>
/// <param name="Rule">Rule id, <c>authority/rule-id</c>.</param>
/// <param name="Severity">The severity it reports with.</param>
/// <param name="Entity">Catalog entity name (<c>workspace</c>, <c>qualifier</c>, <c>variable</c>, <c>resource</c>, <c>resourceobject</c>, <c>value</c>, <c>rule</c>, <c>schema</c>); null for custom rules.</param>
/// <param name="Title">A one-line title.</param>
/// <param name="Help">How to fix what it reports.</param>
public sealed record LintRuleInfo(string Rule, LintSeverity Severity, string? Entity, string Title, string Help);

/// <summary>The 51 built-in rules of rototo's lint (§9.4), sorted by rule id.</summary>
public static class LintRuleCatalog
{
    private static readonly Dictionary<string, LintRuleInfo> ById;

    static LintRuleCatalog()
    {
        var e = LintSeverity.Error;
        var w = LintSeverity.Warning;
        LintRuleInfo[] rules =
        [
            new("workspace-not-found", e, "workspace", "Workspace root was not found", "Pass the path of a directory that contains rototo-workspace.toml."),
            new("workspace-manifest-missing", e, "workspace", "Workspace manifest is missing", "Create rototo-workspace.toml at the workspace root with schema_version = 1."),
            new("workspace-manifest-parse-failed", e, "workspace", "Workspace manifest TOML could not be parsed", "Fix the TOML syntax of rototo-workspace.toml."),
            new("workspace-manifest-schema-failed", e, "workspace", "Workspace manifest has an invalid shape", "Declare schema_version = 1 and, optionally, extends as an array of non-blank source strings."),
            new("workspace-context-schema-ref", e, "schema", "Context schema cannot be used", "Make schemas/context.schema.json a parseable, valid JSON Schema."),
            new("workspace-context-schema-reserved-field", e, "schema", "Context schema declares a reserved field", "Remove the top-level qualifier property: qualifier.<id> attributes refer to qualifiers, not context."),
            new("workspace-context-schema-attribute", e, "qualifier", "Context attribute is not declared", "Declare the attribute path under properties in schemas/context.schema.json, or fix the predicate attribute."),
            new("workspace-context-schema-missing", w, "workspace", "Workspace has no context schema", "Add schemas/context.schema.json describing the context attributes that qualifiers read."),
            new("qualifier-parse-failed", e, "qualifier", "Qualifier TOML file could not be parsed", "Fix the TOML syntax of the qualifier file."),
            new("qualifier-schema-version", e, "qualifier", "Qualifier schema_version is missing or unsupported", "Declare schema_version = 1 at the top of the qualifier file."),
            new("qualifier-predicate-missing", e, "qualifier", "Qualifier has no predicates", "Add at least one [[predicate]] table."),
            new("qualifier-predicate-shape", e, "qualifier", "Predicate has an invalid shape", "Write each predicate as a [[predicate]] table with string attribute and op."),
            new("qualifier-predicate-unknown-op", e, "qualifier", "Predicate uses an unknown operator", "Use one of eq, neq, in, not_in, gt, gte, lt, lte, bucket."),
            new("qualifier-predicate-bucket", e, "qualifier", "Bucket predicate is invalid", "Give bucket predicates a string salt and range = [start, end] with 0 <= start < end <= 10000, and no value."),
            new("qualifier-predicate-value", e, "qualifier", "Predicate value is invalid for its operator", "Give compare predicates a value: a list for in/not_in, a number for gt/gte/lt/lte."),
            new("qualifier-predicate-unknown-qualifier", e, "qualifier", "Predicate references an unknown qualifier", "Reference an existing qualifier id in qualifier.<id>."),
            new("qualifier-predicate-context-type-mismatch", e, "qualifier", "Predicate does not fit the context attribute type", "Compare the attribute with values of the type the context schema declares."),
            new("qualifier-predicate-duplicate", w, "qualifier", "Predicate duplicates an earlier predicate", "Remove the repeated predicate; predicates are ANDed so it changes nothing."),
            new("qualifier-cycle", e, "qualifier", "Qualifiers reference each other in a cycle", "Break the cycle of qualifier.<id> references."),
            new("qualifier-reference-depth", e, "qualifier", "Qualifier references nest too deep", "Shorten the chain of qualifier.<id> references to at most 64 qualifiers."),
            new("qualifier-unreferenced", w, "qualifier", "Qualifier is not referenced", "Reference the qualifier from a variable rule or another qualifier, or delete it."),
            new("qualifier-unreachable", w, "qualifier", "Qualifier cannot affect resolution", "Reference the qualifier from a variable rule, directly or through qualifiers that are."),
            new("variable-parse-failed", e, "variable", "Variable TOML file could not be parsed", "Fix the TOML syntax of the variable file."),
            new("variable-schema-version", e, "variable", "Variable schema_version is missing or unsupported", "Declare schema_version = 1 at the top of the variable file."),
            new("variable-type-source", e, "variable", "Variable type is missing or conflicting", "Declare type = \"bool\" | \"int\" | \"number\" | \"string\" | \"list\" | \"resource:<id>\" and no schema."),
            new("variable-unknown-type", e, "variable", "Variable declares an unknown type", "Use bool, int, number, string, list or resource:<id>."),
            new("variable-unknown-resource", e, "variable", "Variable references an unknown resource", "Reference a resource defined in resources/<id>.toml."),
            new("variable-values-disallowed", e, "variable", "Resource-backed variable declares values", "Remove [values]: resource-backed variables select resource objects."),
            new("variable-values-missing", e, "variable", "Primitive variable has no values", "Add a [values] table with at least one value key."),
            new("variable-unknown-value", e, "variable", "Variable references an unknown value", "Reference a key of [values] (or an object key of the resource)."),
            new("variable-value-type-mismatch", e, "value", "Value does not match the variable type", "Change the value to the variable's declared type."),
            new("variable-resolve-missing-default", e, "variable", "Variable resolve has no default", "Add [resolve] with default = \"<value key>\"."),
            new("variable-resolve-shape", e, "variable", "Variable resolve is not a table", "Write resolve as a [resolve] table."),
            new("variable-rule-shape", e, "rule", "Variable rule has an invalid shape", "Write each rule as a [[resolve.rule]] table with string qualifier and value."),
            new("variable-rule-unknown-qualifier", e, "rule", "Variable rule references an unknown qualifier", "Reference an existing qualifier id."),
            new("variable-rule-shadowed", w, "rule", "Variable rule is shadowed by an earlier rule", "Remove the later rule: the earlier rule with the same qualifier always wins."),
            new("variable-rule-selects-default-value", w, "rule", "Variable rule selects the default value", "Remove the rule or select a different value."),
            new("variable-value-unused", w, "value", "Variable value is not referenced", "Reference the value from a rule or the default, or remove it."),
            new("resource-parse-failed", e, "resource", "Resource TOML file could not be parsed", "Fix the TOML syntax of the resource file."),
            new("resource-object-parse-failed", e, "resourceobject", "Resource object TOML file could not be parsed", "Fix the TOML syntax of the resource object file."),
            new("resource-schema-version", e, "resource", "Resource schema_version is missing or unsupported", "Declare schema_version = 1 at the top of the resource file."),
            new("resource-schema-ref", e, "resource", "Resource schema reference is invalid", "Set schema to a relative path of a schemas/*.json file inside the workspace."),
            new("resource-object-schema-mismatch", e, "resourceobject", "Resource object does not match its schema", "Change the object so that it validates against the resource schema."),
            new("resource-object-unknown-reference", e, "resourceobject", "Resource object references an unknown object", "Reference an existing resource and object key in x-rototo-resource fields."),
            new("custom-lint-failed", e, "workspace", "Custom lint failed", "Fix the Lua lint file so that it loads, registers and runs within its limits."),
            new("custom-lint-registration-invalid", e, "workspace", "Custom lint registration is invalid", "Register handlers with a supported stage, entity, field, callable handler and rule metadata."),
            new("custom-lint-rule-conflict", e, "workspace", "Custom lint rule metadata conflicts", "Give every registration of a custom rule the same title, help and severity."),
            new("custom-lint-file-unregistered", w, "workspace", "Custom lint file registers no handlers", "Call lint:on{...} from register(lint), or delete the file."),
            new("custom-lint-registration-duplicate", w, "workspace", "Custom lint registration is duplicated", "Remove the repeated lint:on registration."),
            new("schema-parse-failed", e, "schema", "Schema JSON file could not be parsed", "Fix the JSON syntax of the schema file."),
            new("schema-invalid", e, "schema", "Schema is not a valid JSON Schema", "Fix the schema so that it compiles as JSON Schema."),
            new("schema-unreferenced", w, "schema", "Schema is not referenced", "Reference the schema from a resource, or delete it."),
        ];
        All = [.. rules.Select(r => r with { Rule = "rototo/" + r.Rule }).OrderBy(r => r.Rule, StringComparer.Ordinal)];
        ById = All.ToDictionary(r => r.Rule, StringComparer.Ordinal);
    }

    /// <summary>Every built-in rule, sorted by id.</summary>
    public static IReadOnlyList<LintRuleInfo> All { get; }

    /// <summary>Finds a built-in rule.</summary>
    /// <param name="rule">Full rule id (<c>rototo/...</c>).</param>
    /// <returns>The entry, or null when there is no such built-in rule.</returns>
    public static LintRuleInfo? Find(string rule) => ById.GetValueOrDefault(rule);

    internal static LintRuleInfo Get(string shortId) => ById["rototo/" + shortId];
}
