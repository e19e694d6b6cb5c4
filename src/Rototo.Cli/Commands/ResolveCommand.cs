using System.CommandLine;
using System.Text.Json.Nodes;
using Rototo.Cli.Output;
using Rototo.Runtime;

namespace Rototo.Cli.Commands;

/// <summary><c>rototo resolve [SOURCE] --variable ID... --variables --qualifier ID... --qualifiers --context C...</c> (§8, §15).</summary>
internal static class ResolveCommand
{
    public static Command Create(CliContext cli)
    {
        var source = CliContext.SourceArgument();
        var variable = new Option<string[]>("--variable") { Description = "Variable id to resolve (repeatable)" };
        var variables = new Option<bool>("--variables") { Description = "Resolve every variable" };
        var qualifier = new Option<string[]>("--qualifier") { Description = "Qualifier id to resolve (repeatable)" };
        var qualifiers = new Option<bool>("--qualifiers") { Description = "Resolve every qualifier" };
        var context = CliContext.ContextOption();
        var command = new Command("resolve", "Resolve variables and qualifiers against a context") { source, variable, variables, qualifier, qualifiers, context };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var variableIds = parse.GetValue(variable) ?? [];
            var qualifierIds = parse.GetValue(qualifier) ?? [];
            var allVariables = parse.GetValue(variables);
            var allQualifiers = parse.GetValue(qualifiers);
            if (variableIds.Length == 0 && qualifierIds.Length == 0 && !allVariables && !allQualifiers)
            {
                return cli.Terminal.Fail("resolve requires at least one --variable, --variables, --qualifier, or --qualifiers selector");
            }
            var (staged, shown) = await cli.StageAsync(parse, parse.GetValue(source), cancellationToken);
            var workspace = Workspace.OpenForResolution(staged);
            var resolveContext = ContextArguments.Build(parse.GetValue(context) ?? []);

            var selectedVariables = Select(allVariables ? workspace.VariableIds : variableIds, workspace.VariableIds, "variable");
            var qualifierOrder = workspace.Inspection.Qualifiers.Select(q => q.Id).ToList();
            var selectedQualifiers = Select(allQualifiers ? qualifierOrder : qualifierIds, qualifierOrder, "qualifier");

            var variableTraces = selectedVariables.Select(id => workspace.TraceVariable(id, resolveContext)).ToList();
            var qualifierTraces = selectedQualifiers.Count > 0 ? workspace.TraceQualifiers(selectedQualifiers, resolveContext) : [];

            if (parse.GetValue(cli.Json))
            {
                cli.Terminal.WriteJson(new JsonObject
                {
                    ["workspace"] = shown,
                    ["variables"] = new JsonArray([.. variableTraces.Select(t => (JsonNode)t.ToJson())]),
                    ["qualifiers"] = new JsonArray([.. qualifierTraces.Select(t => (JsonNode)t.ToJson())]),
                });
            }
            else if (parse.GetValue(cli.Quiet))
            {
                HumanTrace.WriteValues(cli.Terminal.Out, variableTraces, qualifierTraces);
            }
            else
            {
                HumanTrace.Write(cli.Terminal.Out, shown, variableTraces, qualifierTraces);
            }
            return 0;
        });
        return command;
    }

    /// <summary>Explicit ids are checked first, then ordered by workspace order (§8.2).</summary>
    internal static List<string> Select(IReadOnlyList<string> requested, IReadOnlyList<string> workspaceOrder, string kind)
    {
        var known = workspaceOrder.ToHashSet(StringComparer.Ordinal);
        foreach (var id in requested)
        {
            if (!known.Contains(id))
            {
                throw CliError.NotFound(kind, id, workspaceOrder);
            }
        }
        var wanted = requested.ToHashSet(StringComparer.Ordinal);
        return [.. workspaceOrder.Where(wanted.Contains)];
    }
}

/// <summary>rototo's human resolve format (§8.3).</summary>
internal static class HumanTrace
{
    private static readonly string Separator = new('-', 40);

    public static void Write(TextWriter output, string workspace, IReadOnlyList<VariableTrace> variables, IReadOnlyList<QualifierTrace> qualifiers)
    {
        output.WriteLine($"workspace: {workspace}");
        var first = true;
        void Separate()
        {
            if (!first)
            {
                output.WriteLine(Separator);
            }
            first = false;
        }
        foreach (var trace in variables)
        {
            Separate();
            WriteVariable(output, trace);
        }
        foreach (var trace in qualifiers)
        {
            Separate();
            output.WriteLine($"qualifier: {trace.Id}");
            WriteQualifierBody(output, trace, "  ");
        }
    }

    /// <summary>With <c>--quiet</c>: each target's result alone, one line each, in target order (a variable's value as compact JSON, a qualifier's true or false).</summary>
    public static void WriteValues(TextWriter output, IReadOnlyList<VariableTrace> variables, IReadOnlyList<QualifierTrace> qualifiers)
    {
        foreach (var trace in variables)
        {
            output.WriteLine(Json.SerdeJson.Compact(trace.Resolution.Value));
        }
        foreach (var trace in qualifiers)
        {
            output.WriteLine(trace.Value ? "true" : "false");
        }
    }

    private static void WriteVariable(TextWriter output, VariableTrace trace)
    {
        output.WriteLine($"variable: {trace.Resolution.Id}");
        if (trace.QualifierTraces.Count > 0)
        {
            output.WriteLine("  qualifiers:");
            foreach (var qualifier in trace.QualifierTraces)
            {
                output.WriteLine($"    qualifier: {qualifier.Id}");
                WriteQualifierBody(output, qualifier, "      ");
            }
        }
        output.WriteLine("  pathway:");
        foreach (var rule in trace.Rules)
        {
            output.WriteLine($"    rule[{rule.Index}] if {rule.Qualifier} -> {rule.Value} ({(rule.Matched ? "matched" : "skipped")})");
        }
        output.WriteLine($"    default -> {trace.DefaultValue}");
        output.WriteLine("  result:");
        output.WriteLine($"    value key: {trace.Resolution.ValueKey}");
        output.WriteLine($"    value: {Json.SerdeJson.Compact(trace.Resolution.Value)}");
    }

    private static void WriteQualifierBody(TextWriter output, QualifierTrace trace, string indent)
    {
        output.WriteLine($"{indent}predicates:");
        foreach (var predicate in trace.Predicates)
        {
            var p = predicate.Predicate;
            var item = indent + "  ";
            var detail = item + "    ";
            output.WriteLine(p.ReferenceId is { } reference
                ? $"{item}[{p.Index}] qualifier {reference} = {(predicate.Actual.ValueKind == System.Text.Json.JsonValueKind.True ? "true" : "false")}"
                : $"{item}[{p.Index}] context {p.Attribute} = {Json.SerdeJson.Compact(predicate.Actual)}");
            output.WriteLine(p.Operator == PredicateOperator.Bucket
                ? $"{detail}test: bucket salt={p.Salt} range=[{p.Start},{p.End}] bucket={predicate.BucketValue}"
                : $"{detail}test: {p.OperatorName} {Json.SerdeJson.Compact(p.Expected)}");
            output.WriteLine($"{detail}matched: {(predicate.Result ? "true" : "false")}");
        }
        output.WriteLine($"{indent}result: {(trace.Value ? "true" : "false")}");
    }
}
