using System.Text.RegularExpressions;

namespace Rototo.Lint.Custom;

/// <summary>A validated <c>lint:on{...}</c> registration of one Lua lint file (§10.2).</summary>
/// <param name="Path">Workspace-relative path of the Lua file, e.g. <c>lint/checkout.lua</c>.</param>
/// <param name="Stage">The stage its handler runs in (project, reference, value, graph or policy).</param>
/// <param name="Entity">Target entity: <c>workspace</c>, <c>qualifier</c>, <c>variable</c>, <c>value</c> or <c>schema</c>.</param>
/// <param name="Field">Optional field selector (§10.2 table).</param>
/// <param name="Handler">Name of the global handler function.</param>
/// <param name="Rule">The custom rule's catalog entry (no entity).</param>
/// <param name="Index">Zero-based index among the file's <c>lint:on</c> calls.</param>
public sealed record CustomLintRegistration(string Path, LintStage Stage, string Entity, string? Field, string Handler, LintRuleInfo Rule, int Index)
{
    /// <summary>The linter id: the file name without <c>.lua</c>.</summary>
    public string Linter => System.IO.Path.GetFileNameWithoutExtension(Path);
}

/// <summary>The registration checks of §10.2 step 5 and the field selectors of its table.</summary>
internal static partial class RegistrationRules
{
    public static readonly string[] Entities = ["workspace", "qualifier", "variable", "value", "schema"];

    private static readonly Dictionary<string, LintStage> Stages = new(StringComparer.Ordinal)
    {
        ["project"] = LintStage.Project,
        ["reference"] = LintStage.Reference,
        ["value"] = LintStage.Value,
        ["graph"] = LintStage.Graph,
        ["policy"] = LintStage.Policy,
    };

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex Segment();

    [GeneratedRegex("^[a-z0-9-]+$")]
    private static partial Regex RuleSegment();

    /// <summary>Validates one registration; returns the first failure message (§10.2 step 5) or the valid registration.</summary>
    public static string? Validate(string path, LuaRegistration raw, out CustomLintRegistration? valid)
    {
        valid = null;
        if (!Stages.TryGetValue(raw.Stage, out var stage))
        {
            return $"custom lint registration has unsupported stage: {raw.Stage}";
        }
        if (Array.IndexOf(Entities, raw.Entity) < 0)
        {
            return $"custom lint registration has unsupported entity: {raw.Entity}";
        }
        if (raw.Field is { } field && !IsField(raw.Entity, field))
        {
            return $"custom lint registration has unsupported field: {field}";
        }
        if (!raw.HandlerExists)
        {
            return $"custom lint registration handler is not callable: {raw.Handler}";
        }
        if (RuleIdProblem(raw.RuleId) is { } reason)
        {
            return $"custom lint registration rule id is invalid: {raw.RuleId}: {reason}";
        }
        LintSeverity severity;
        switch (raw.Severity)
        {
            case null or "error":
                severity = LintSeverity.Error;
                break;
            case "warning":
                severity = LintSeverity.Warning;
                break;
            default:
                return $"custom lint registration rule severity is unsupported: {raw.Severity}";
        }
        valid = new CustomLintRegistration(path, stage, raw.Entity, raw.Field, raw.Handler, new LintRuleInfo(raw.RuleId, severity, null, raw.Title, raw.Help), raw.Index);
        return null;
    }

    /// <summary>Why a custom rule id is invalid, or null.</summary>
    public static string? RuleIdProblem(string id)
    {
        var slashes = id.Count(c => c == '/');
        if (slashes == 0)
        {
            return "custom rule id must use <authority>/<rule-id>";
        }
        if (slashes > 1)
        {
            return "custom rule id must contain exactly one slash";
        }
        var parts = id.Split('/');
        if (parts[0] == "rototo")
        {
            return "rototo is reserved for built-in diagnostic rules";
        }
        return parts.All(p => RuleSegment().IsMatch(p)) ? null : "rule id segments must use lowercase ASCII letters, digits, and hyphen";
    }

    /// <summary>True when <paramref name="field"/> is a selector allowed for <paramref name="entity"/>.</summary>
    public static bool IsField(string entity, string field) => entity switch
    {
        "workspace" => field == "extends",
        "qualifier" => field is "id" or "description" or "predicates",
        "variable" => field is "id" or "description" or "type" or "schema" or "values" or "resolve",
        "value" => field is "key" or "value" || IsPath(field, "value."),
        "schema" => field == "json" || IsPath(field, "json."),
        _ => false,
    };

    /// <summary>The segments after <paramref name="prefix"/> of a dotted selector such as <c>value.a.b</c>.</summary>
    public static string[] Segments(string field, string prefix) => field[prefix.Length..].Split('.');

    private static bool IsPath(string field, string prefix) =>
        field.StartsWith(prefix, StringComparison.Ordinal) && Segments(field, prefix).All(s => Segment().IsMatch(s));
}
