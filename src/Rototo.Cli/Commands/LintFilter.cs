using System.CommandLine;
using Rototo.Cli.Output;
using Rototo.Discovery;
using Rototo.Lint;

namespace Rototo.Cli.Commands;

/// <summary>
/// <c>rototo lint</c> selectors (§15): a diagnostic is kept when it matches ANY selector; with no selector every
/// diagnostic is kept. The filter is built before lint runs, so that lint keeps only what it selects; explicit ids are
/// checked against the workspace and its custom rules by <see cref="Check"/> once lint has run, before anything is printed.
/// </summary>
internal sealed class LintFilter
{
    private readonly List<Func<LintDiagnostic, bool>> _matchers = [];
    private readonly List<Action<IReadOnlyList<Lint.Custom.CustomLintRegistration>>> _checks = [];

    private LintFilter()
    {
    }

    /// <summary>True when no selector was given.</summary>
    public bool IsEmpty => _matchers.Count == 0;

    /// <summary>True when the diagnostic matches a selector (or there is none).</summary>
    public bool Keeps(LintDiagnostic diagnostic) => IsEmpty || _matchers.Any(m => m(diagnostic));

    /// <summary>Checks the explicit ids of the command line, in the order they are read, against the workspace and its custom rules.</summary>
    /// <param name="registrations">The workspace's valid custom lint registrations (<see cref="WorkspaceLint.CustomRegistrations"/>).</param>
    /// <exception cref="CliError">An explicit id does not exist (<c>{kind} not found: ...</c>, with a tip when a known id is close).</exception>
    public void Check(IReadOnlyList<Lint.Custom.CustomLintRegistration> registrations)
    {
        foreach (var check in _checks)
        {
            check(registrations);
        }
    }

    /// <summary>Builds the filter of a command line; <see cref="Check"/> validates its explicit ids once lint has run.</summary>
    public static LintFilter From(ParseResult parse, Selectors selectors, WorkspaceSnapshot snapshot)
    {
        var filter = new LintFilter();
        filter.Entities(parse.GetValue(selectors.Variable), parse.GetValue(selectors.Variables), snapshot, DocumentKind.Variable, "variable", VariableId, "variables/");
        filter.Entities(parse.GetValue(selectors.Qualifier), parse.GetValue(selectors.Qualifiers), snapshot, DocumentKind.Qualifier, "qualifier", QualifierId, "qualifiers/");
        filter.Entities(parse.GetValue(selectors.Resource), parse.GetValue(selectors.Resources), snapshot, DocumentKind.Resource, "resource", ResourceId, "resources/");

        if (parse.GetValue(selectors.LintRules))
        {
            filter._matchers.Add(_ => true);
        }
        if (parse.GetValue(selectors.LintRule) is { } rule)
        {
            filter._checks.Add(registrations =>
            {
                var rules = Output.CustomLintView.Catalog(registrations);
                Require(rules.Any(r => r.Rule == rule), "diagnostic", rule, rules.Select(r => r.Rule));
            });
            filter._matchers.Add(d => d.Rule == rule);
        }
        if (parse.GetValue(selectors.LintAuthorities))
        {
            filter._matchers.Add(_ => true);
        }
        if (parse.GetValue(selectors.LintAuthority) is { } authority)
        {
            filter._checks.Add(registrations =>
            {
                var rules = Output.CustomLintView.Catalog(registrations);
                Require(rules.Any(r => Authority(r.Rule) == authority), "lint authority", authority, rules.Select(r => Authority(r.Rule)).Distinct());
            });
            filter._matchers.Add(d => Authority(d.Rule) == authority);
        }
        if (parse.GetValue(selectors.Linters))
        {
            filter._matchers.Add(d => d.Entity.Kind == "custom_lint" || d.Location.Path.StartsWith("lint/", StringComparison.Ordinal) || Authority(d.Rule) != "rototo");
        }
        foreach (var linter in parse.GetValue(selectors.Linter) ?? [])
        {
            filter._checks.Add(_ => Require(snapshot.OfKind(DocumentKind.CustomLint).Any(d => d.Id == linter), "linter", linter, snapshot.OfKind(DocumentKind.CustomLint).Select(d => d.Id)));
            var path = $"lint/{linter}.lua";
            filter._matchers.Add(d => d.Entity.Path == path || d.Location.Path == path);
        }
        return filter;
    }

    private void Entities(string[]? ids, bool all, WorkspaceSnapshot snapshot, DocumentKind kind, string noun, Func<DiagnosticEntity, string?> owner, string folder)
    {
        if (all)
        {
            _matchers.Add(d => owner(d.Entity) is not null || d.Location.Path.StartsWith(folder, StringComparison.Ordinal));
        }
        foreach (var id in ids ?? [])
        {
            _checks.Add(_ => Require(snapshot.OfKind(kind).Any(d => d.Id == id), noun, id, snapshot.OfKind(kind).Select(d => d.Id)));
            var path = $"{folder}{id}.toml";
            var objects = $"{folder}{id}-objects/";
            _matchers.Add(d => owner(d.Entity) == id || d.Location.Path == path || (kind == DocumentKind.Resource && d.Location.Path.StartsWith(objects, StringComparison.Ordinal)));
        }
    }

    private static string? VariableId(DiagnosticEntity e) => e.Kind switch { "variable" => e.Id, "value" or "rule" => e.Owner, _ => null };

    private static string? QualifierId(DiagnosticEntity e) => e.Kind switch { "qualifier" => e.Id, "predicate" => e.Owner, _ => null };

    private static string? ResourceId(DiagnosticEntity e) => e.Kind switch { "resource" => e.Id, "resource_object" => e.Owner, _ => null };

    private static string Authority(string rule) => rule[..Math.Max(0, rule.IndexOf('/', StringComparison.Ordinal))];

    private static void Require(bool condition, string kind, string id, IEnumerable<string> known)
    {
        if (!condition)
        {
            throw CliError.NotFound(kind, id, known);
        }
    }
}
