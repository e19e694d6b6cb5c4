using System.Text.Json.Nodes;
using Rototo.Lint;
using Rototo.Lint.Custom;

namespace Rototo.Cli.Output;

/// <summary>How <c>show</c> and <c>inspect</c> present a workspace's custom lint: its rules, authorities and linters (§9.3, §11).</summary>
internal static class CustomLintView
{
    /// <summary>The workspace catalog: built-in rules plus the custom rules, sorted by id.</summary>
    public static IReadOnlyList<LintRuleInfo> Catalog(IReadOnlyList<CustomLintRegistration> registrations) =>
        [.. LintRuleCatalog.All.Concat(CustomRules(registrations)).OrderBy(r => r.Rule, StringComparer.Ordinal)];

    /// <summary>The distinct custom rules, sorted by id.</summary>
    public static IEnumerable<LintRuleInfo> CustomRules(IReadOnlyList<CustomLintRegistration> registrations) =>
        registrations.Select(r => r.Rule).DistinctBy(r => r.Rule).OrderBy(r => r.Rule, StringComparer.Ordinal);

    /// <summary>The non-<c>rototo</c> authorities with their rule ids, sorted.</summary>
    public static SortedDictionary<string, List<string>> Authorities(IReadOnlyList<CustomLintRegistration> registrations)
    {
        var authorities = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var rule in CustomRules(registrations))
        {
            var authority = rule.Rule[..rule.Rule.IndexOf('/', StringComparison.Ordinal)];
            (authorities.TryGetValue(authority, out var rules) ? rules : authorities[authority] = []).Add(rule.Rule);
        }
        return authorities;
    }

    /// <summary><c>{id, rules}</c> per authority.</summary>
    public static JsonArray AuthoritiesJson(IEnumerable<KeyValuePair<string, List<string>>> authorities) =>
        new([.. authorities.Select(a => (JsonNode)new JsonObject { ["id"] = a.Key, ["rules"] = new JsonArray([.. a.Value.Select(r => (JsonNode)r)]) })]);

    /// <summary>What a registration runs on, as people read it: the entity, or the field selector (<c>value.heading</c>).</summary>
    public static string Target(CustomLintRegistration registration) => registration.Field switch
    {
        null => registration.Entity,
        var field when field.StartsWith(registration.Entity + ".", StringComparison.Ordinal) || field == registration.Entity => field,
        var field when registration.Entity == "schema" && field.StartsWith("json", StringComparison.Ordinal) => $"schema.{field}",
        var field => $"{registration.Entity}.{field}",
    };

    /// <summary>A linter (one Lua file) with its registrations.</summary>
    public static JsonObject Linter(string id, string path, IReadOnlyList<CustomLintRegistration> registrations) => new()
    {
        ["id"] = id,
        ["path"] = path,
        ["registrations"] = new JsonArray([.. registrations.Where(r => r.Path == path).Select(r => (JsonNode)new JsonObject
        {
            ["index"] = r.Index,
            ["rule"] = r.Rule.Rule,
            ["severity"] = r.Rule.Severity.ToWireName(),
            ["stage"] = r.Stage.ToWireName(),
            ["entity"] = r.Entity,
            ["field"] = r.Field,
            ["target"] = Target(r),
            ["handler"] = r.Handler,
        })]),
    };

    /// <summary>Prints a linter as <c>inspect</c> does.</summary>
    public static void WriteLinter(TextWriter output, JsonNode linter)
    {
        output.WriteLine($"linter: {linter["id"]}");
        output.WriteLine($"  path: {linter["path"]}");
        var registrations = linter["registrations"]?.AsArray() ?? [];
        if (registrations.Count == 0)
        {
            return;
        }
        output.WriteLine("  registrations:");
        foreach (var registration in registrations)
        {
            output.WriteLine($"    [{registration!["index"]}] {registration["rule"]}");
            output.WriteLine($"      target: {registration["target"]}");
            output.WriteLine($"      runs during: {registration["stage"]} lint stage");
            output.WriteLine($"      handler: {registration["handler"]}");
        }
    }
}
