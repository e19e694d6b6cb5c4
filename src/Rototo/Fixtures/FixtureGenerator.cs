using System.Text;
using System.Text.Json;
using Rototo.Runtime;

namespace Rototo.Fixtures;

/// <summary>One generated fixture file: its path under the output folder, its target and its TOML.</summary>
/// <param name="Path">Relative path, e.g. <c>variables/max-output-tokens.toml</c>.</param>
/// <param name="Target">The target, <c>variable:&lt;id&gt;</c> or <c>qualifier:&lt;id&gt;</c>.</param>
/// <param name="Text">The file's TOML.</param>
/// <param name="Cases">How many cases it holds.</param>
internal sealed record FixtureFile(string Path, string Target, string Text, int Cases);

/// <summary>
/// Generates rototo fixture files (§15, <c>src/fixtures.rs</c> format): for a variable, one case per rule that can be
/// made to match (its qualifier true, every earlier rule's false) and one for the default; for a qualifier, a true and a
/// false case. Contexts come from <see cref="ContextSynthesizer"/>; every expectation is what the resolver answers for
/// that context (with context validation), so a case that cannot be produced is left out rather than written wrong.
/// </summary>
internal sealed class FixtureGenerator(Workspace workspace)
{
    /// <summary>The name of the suite manifest.</summary>
    public const string SuiteFile = "rototo-fixtures.toml";

    private readonly RuntimeModel _model = workspace.Runtime;

    /// <summary>The suite manifest listing <paramref name="files"/>.</summary>
    public static string Suite(string workspaceShown, IEnumerable<FixtureFile> files)
    {
        var text = new StringBuilder($"schema_version = 1\nworkspace = {TomlWriter.String(workspaceShown)}\n");
        foreach (var file in files)
        {
            text.Append($"\n[[fixture]]\npath = {TomlWriter.String(file.Path)}\ntarget = {TomlWriter.String(file.Target)}\n");
        }
        return text.ToString();
    }

    public FixtureFile Variable(string id)
    {
        var variable = _model.Variables[id];
        var cases = new StringBuilder();
        var count = 0;
        foreach (var rule in variable.Rules)
        {
            var synthesizer = new ContextSynthesizer(_model);
            var assignment = new ContextSynthesizer.Assignment();
            if (!synthesizer.Require(rule.Qualifier, true, assignment) ||
                !variable.Rules.TakeWhile(r => r.Index < rule.Index).All(r => synthesizer.Require(r.Qualifier, false, assignment)))
            {
                continue;
            }
            if (Case(id, synthesizer, assignment, rule.Index) is { } trace)
            {
                AppendVariableCase(cases, $"rule-{rule.Index}-{rule.QualifierId}", $"Uses {rule.Resolution.ValueKey} when {rule.QualifierId} matches",
                    $"qualifier {rule.QualifierId} is true and every earlier rule's qualifier is false", trace.Context, trace.Trace);
                count++;
            }
        }
        var defaults = new ContextSynthesizer(_model);
        var none = new ContextSynthesizer.Assignment();
        if (variable.Rules.All(r => defaults.Require(r.Qualifier, false, none)) && Case(id, defaults, none, null) is { } fallback)
        {
            AppendVariableCase(cases, "default", "Uses the default value when no rule matches", "no rule's qualifier is true", fallback.Context, fallback.Trace);
            count++;
        }
        var header = $"schema_version = 1\ntarget = {TomlWriter.String($"variable:{id}")}\ndescription = {TomlWriter.String($"Generated cases for variable {id}")}\n";
        return new FixtureFile($"variables/{id}.toml", $"variable:{id}", header + cases, count);
    }

    public FixtureFile Qualifier(string id)
    {
        var index = _model.QualifierIndex[id];
        var cases = new StringBuilder();
        var count = 0;
        foreach (var wanted in new[] { true, false })
        {
            var synthesizer = new ContextSynthesizer(_model);
            var assignment = new ContextSynthesizer.Assignment();
            if (!synthesizer.Require(index, wanted, assignment))
            {
                continue;
            }
            synthesizer.Fill(assignment);
            if (ContextSynthesizer.Context(assignment) is not { } context || Try(() => workspace.TraceQualifiers([id], ResolveContext.From(context))[0]) is not { } trace || trace.Value != wanted)
            {
                continue;
            }
            var decisive = wanted ? (trace.Predicates.Count == 1 ? trace.Predicates[0] : null) : trace.Predicates[^1];
            var slug = decisive is null ? "all-predicates-hold" : Slug(decisive, wanted);
            var title = wanted ? "Matches when every predicate holds" : $"Does not match when predicate {decisive!.Predicate.Index + 1} fails";
            cases.Append($"\n[[case]]\nid = {TomlWriter.String($"{(wanted ? "true" : "false")}-{slug}")}\ntitle = {TomlWriter.String(title)}\n");
            cases.Append($"because = {TomlWriter.String(wanted ? "every predicate holds" : $"{decisive!.Predicate.Attribute} {decisive.Predicate.OperatorName} does not hold")}\ngenerated = true\n");
            cases.Append($"context = {TomlWriter.Value(ResolveContext.From(context).Root)}\n\n[case.expect]\nvalue = {(trace.Value ? "true" : "false")}\n");
            AppendBuckets(cases, trace.Predicates);
            count++;
        }
        var header = $"schema_version = 1\ntarget = {TomlWriter.String($"qualifier:{id}")}\ndescription = {TomlWriter.String($"Generated cases for qualifier {id}")}\n";
        return new FixtureFile($"qualifiers/{id}.toml", $"qualifier:{id}", header + cases, count);
    }

    /// <summary>Fills the context, resolves with a trace, and keeps the case only when the wanted rule (or the default) matched.</summary>
    private (System.Text.Json.Nodes.JsonObject Context, VariableTrace Trace)? Case(string id, ContextSynthesizer synthesizer, ContextSynthesizer.Assignment assignment, int? rule)
    {
        synthesizer.Fill(assignment);
        if (ContextSynthesizer.Context(assignment) is not { } context || Try(() => workspace.TraceVariable(id, ResolveContext.From(context))) is not { } trace)
        {
            return null;
        }
        var matched = trace.Rules.FirstOrDefault(r => r.Matched)?.Index;
        return matched == rule ? (context, trace) : null;
    }

    private static void AppendVariableCase(StringBuilder cases, string id, string title, string because, System.Text.Json.Nodes.JsonObject context, VariableTrace trace)
    {
        cases.Append($"\n[[case]]\nid = {TomlWriter.String(id)}\ntitle = {TomlWriter.String(title)}\nbecause = {TomlWriter.String(because)}\ngenerated = true\n");
        cases.Append($"context = {TomlWriter.Value(ResolveContext.From(context).Root)}\n\n[case.expect]\n");
        cases.Append($"value = {TomlWriter.Value(trace.Resolution.Value)}\nvalue_key = {TomlWriter.String(trace.Resolution.ValueKey)}\n");
        if (trace.Rules.FirstOrDefault(r => r.Matched) is { } matched)
        {
            cases.Append($"matched_rule = {matched.Index}\nmatched_qualifier = {TomlWriter.String(matched.Qualifier)}\n");
        }
        else
        {
            cases.Append("matched = \"default\"\n");
        }
        AppendBuckets(cases, trace.QualifierTraces.SelectMany(q => q.Predicates));
    }

    private static void AppendBuckets(StringBuilder cases, IEnumerable<PredicateTrace> predicates)
    {
        foreach (var bucket in predicates.Where(p => p.BucketValue is not null))
        {
            var p = bucket.Predicate;
            cases.Append($"\n[[case.expect.bucket]]\nattribute = {TomlWriter.String(p.Attribute)}\nsalt = {TomlWriter.String(p.Salt)}\nrange = [{p.Start}, {p.End}]\nvalue = {bucket.BucketValue}\n");
        }
    }

    /// <summary>A case id part naming the deciding predicate: <c>inside-user-id-bucket</c>, <c>user-tier-eq</c>, <c>user-tier-not-eq</c>.</summary>
    private static string Slug(PredicateTrace trace, bool held)
    {
        var attribute = string.Concat(trace.Predicate.Attribute.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-'));
        return trace.Predicate.Operator == PredicateOperator.Bucket
            ? $"{(held ? "inside" : "outside")}-{attribute}-bucket"
            : $"{attribute}-{(held ? "" : "not-")}{trace.Predicate.OperatorName.Replace('_', '-')}";
    }

    private static T? Try<T>(Func<T> resolve)
        where T : class
    {
        try
        {
            return resolve();
        }
        catch (RototoException)
        {
            return null;
        }
    }
}
