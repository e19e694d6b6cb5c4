using System.CommandLine;
using System.Text.Json.Nodes;
using Rototo.Cli.Output;
using Rototo.Discovery;
using Rototo.Lint;
using Rototo.Model;
using Rototo.Toml;

namespace Rototo.Cli.Commands;

/// <summary><c>rototo inspect [SOURCE] [selectors] [--context C]</c> (§11.2): files, runtime status, diagnostics and traces.</summary>
internal static class InspectCommand
{
    private static readonly string Separator = new('-', 40);

    public static Command Create(CliContext cli)
    {
        var source = CliContext.SourceArgument();
        var selectors = new Selectors();
        var context = CliContext.ContextOption();
        var command = new Command("inspect", "Inspect workspace files, runtime status and resolution traces") { source, context };
        selectors.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var contextParts = parse.GetValue(context) ?? [];
            var hasTarget = (parse.GetValue(selectors.Variable)?.Length ?? 0) > 0 || parse.GetValue(selectors.Variables) ||
                            (parse.GetValue(selectors.Qualifier)?.Length ?? 0) > 0 || parse.GetValue(selectors.Qualifiers);
            if (contextParts.Length > 0 && !hasTarget)
            {
                return cli.Terminal.Fail("inspect --context requires at least one --variable, --variables, --qualifier, or --qualifiers selector");
            }
            var (staged, shown) = await cli.StageAsync(parse, parse.GetValue(source), cancellationToken);
            var snapshot = Workspace.DiscoverChecked(staged);
            var selection = selectors.Resolve(parse, snapshot);
            // With selectors, lint keeps (up to its limit) only the diagnostics located in the selected documents.
            var paths = selection.Chosen is null ? null : selection.All(snapshot).Select(d => d.RelativePath).ToHashSet(StringComparer.Ordinal);
            var lint = WorkspaceLint.Run(snapshot, paths is null ? null : d => paths.Contains(d.Location.Path));
            Workspace? runtime = null;
            string? unavailable = null;
            try
            {
                runtime = Workspace.OpenForResolution(staged);
            }
            catch (RototoException e)
            {
                unavailable = e.Message;
            }
            var resolveContext = contextParts.Length > 0 ? ContextArguments.Build(contextParts) : null;

            var report = Report(snapshot, selection, lint, runtime, unavailable, resolveContext, shown);
            if (parse.GetValue(cli.Json))
            {
                cli.Terminal.WriteJson(report);
            }
            else if (parse.GetValue(cli.Quiet))
            {
                WriteDiagnostics(cli.Terminal.Out, report);
            }
            else
            {
                WriteHuman(cli.Terminal.Out, report);
            }
            return 0;
        });
        return command;
    }

    /// <summary>Where a variable's type comes from (§11.2): its <c>type</c> string, the legacy <c>schema</c>, or why neither holds.</summary>
    private static string TypeSource(VariableView view) => (view.TypeNode, view.Root["schema"]) switch
    {
        (not null, not null) => "conflict",
        (not null, null) => view.Type ?? "invalid",
        (null, TomlScalarNode { Kind: TomlScalarKind.String, Text: var schema }) => $"schema {schema}",
        (null, not null) => "invalid",
        _ => "missing",
    };

    private static JsonObject Report(WorkspaceSnapshot snapshot, Selection selection, WorkspaceLint lint, Workspace? runtime, string? unavailable, ResolveContext? context, string shown)
    {
        // Diagnostics by path, grouped once (a scan per document was quadratic in the workspace's size).
        var byPath = lint.Diagnostics.ToLookup(d => d.Location.Path, StringComparer.Ordinal);
        IEnumerable<LintDiagnostic> DiagnosticsOf(WorkspaceDocument document) => byPath[document.RelativePath];
        JsonArray Diagnostics(IEnumerable<LintDiagnostic> diagnostics) => new([.. diagnostics.Select(d => (JsonNode)d.ToJson())]);
        var graph = new InspectGraph(snapshot);

        var variables = new JsonArray();
        foreach (var document in selection.Documents(snapshot, DocumentKind.Variable).Where(d => d.Toml is not null))
        {
            var view = new VariableView(document);
            var item = new JsonObject
            {
                ["id"] = document.Id,
                ["uri"] = $"variable://{document.Id}",
                ["path"] = document.RelativePath,
                ["type_source"] = TypeSource(view),
                ["values"] = new JsonArray([.. (view.Values?.Entries ?? []).OrderBy(e => e.Key, Json.Utf8Order.Instance)
                    .Select(e => (JsonNode)new JsonObject { ["key"] = e.Key, ["origin"] = "inline", ["value"] = Json.SerdeJson.Value(e.Value.ToJson()) })]),
                ["resolve"] = new JsonObject
                {
                    ["default_value"] = view.Default,
                    ["rules"] = new JsonArray([.. view.Rules.Select(r => (JsonNode)new JsonObject { ["index"] = r.Index, ["qualifier"] = r.Qualifier, ["value"] = r.Value })]),
                },
                ["dependencies"] = graph.VariableDependencies(view),
                ["diagnostics"] = Diagnostics(DiagnosticsOf(document)),
            };
            if (context is not null && runtime is not null && selection.Chosen is not null)
            {
                item["trace"] = runtime.TraceVariable(document.Id, context).ToJson();
            }
            variables.Add((JsonNode)item);
        }

        var qualifierDocuments = selection.Documents(snapshot, DocumentKind.Qualifier).Where(d => d.Toml is not null).ToList();
        var traces = context is not null && runtime is not null && selection.Chosen is not null && qualifierDocuments.Count > 0 && selection.Chosen.ContainsKey(DocumentKind.Qualifier)
            ? runtime.TraceQualifiers(qualifierDocuments.Select(d => d.Id), context).ToDictionary(t => t.Id)
            : null;
        var qualifiers = new JsonArray();
        foreach (var document in qualifierDocuments)
        {
            var view = new QualifierView(document);
            var item = new JsonObject
            {
                ["id"] = document.Id,
                ["uri"] = $"qualifier://{document.Id}",
                ["path"] = document.RelativePath,
                ["predicates"] = new JsonArray([.. view.Predicates.Select(p => (JsonNode)Predicate(p))]),
                ["dependencies"] = graph.QualifierDependencies(view),
                ["consumers"] = graph.QualifierConsumers(document.Id),
                ["diagnostics"] = Diagnostics(DiagnosticsOf(document)),
            };
            if (traces is not null && traces.TryGetValue(document.Id, out var trace))
            {
                item["trace"] = trace.ToJson();
            }
            qualifiers.Add((JsonNode)item);
        }

        var resources = new JsonArray([.. selection.Documents(snapshot, DocumentKind.Resource).Select(document =>
        {
            var view = document.Toml is null ? null : new ResourceView(document);
            return (JsonNode)new JsonObject
            {
                ["id"] = document.Id,
                ["uri"] = $"resource://{document.Id}",
                ["path"] = document.RelativePath,
                // The schema reference as the workspace path it resolves to (§3.4: resolved against resources/, normalized).
                ["schema"] = view is null ? null : view.SchemaPath ?? view.Schema,
                ["objects"] = new JsonArray([.. snapshot.OfKind(DocumentKind.ResourceObject).Where(o => o.ResourceId == document.Id && o.Toml is not null)
                    .Select(o => (JsonNode)new JsonObject { ["key"] = o.Id, ["value"] = Json.SerdeJson.Value(o.Toml!.ToJson()) })]),
                ["dependencies"] = view is null ? EmptyDependencies() : graph.ResourceDependencies(view),
                ["consumers"] = graph.ResourceConsumers(document.Id),
                ["diagnostics"] = Diagnostics(DiagnosticsOf(document)),
            };
        })]);

        var schemas = new JsonArray([.. (selection.Chosen is null ? snapshot.OfKind(DocumentKind.Schema) : []).Select(document =>
        {
            var status = document.Json is { } json ? (Schemas.SchemaCompiler.TryCompile(json, out _, out var error) ? ("valid", null) : ("invalid", error)) : ("unavailable", document.Error);
            var item = new JsonObject { ["id"] = document.Id, ["path"] = document.RelativePath, ["status"] = status.Item1 };
            if (status.Item2 is not null)
            {
                item["error"] = status.Item2;
            }
            item["consumers"] = graph.SchemaConsumers(document.RelativePath);
            item["diagnostics"] = Diagnostics(DiagnosticsOf(document));
            return (JsonNode)item;
        })]);

        var runtimeStatus = unavailable is null ? new JsonObject { ["status"] = "available" } : new JsonObject { ["status"] = "unavailable", ["reason"] = unavailable };
        var report = new JsonObject
        {
            ["workspace"] = shown,
            ["documents"] = LintCommand.DocumentsJson(lint),
            ["runtime"] = runtimeStatus,
            ["diagnostics"] = Diagnostics(lint.Diagnostics),
            ["schemas"] = schemas,
            ["resources"] = resources,
            ["variables"] = variables,
            ["qualifiers"] = qualifiers,
            ["lint_rules"] = new JsonArray(),
            ["lint_authorities"] = CustomLintView.AuthoritiesJson(selection.Chosen is null ? CustomLintView.Authorities(lint.CustomRegistrations) : []),
            ["linters"] = new JsonArray([.. selection.Documents(snapshot, DocumentKind.CustomLint).Select(d => (JsonNode)CustomLintView.Linter(d.Id, d.RelativePath, lint.CustomRegistrations))]),
        };
        if (lint.NotShown > 0)
        {
            report.Insert(report.IndexOf("diagnostics") + 1, LintCommand.NotShownKey, LintCommand.NotShownJson(lint));
        }
        return report;
    }

    private static JsonObject EmptyDependencies() => new() { ["qualifiers"] = new JsonArray(), ["context_paths"] = new JsonArray(), ["schemas"] = new JsonArray(), ["resources"] = new JsonArray() };

    private static JsonObject Predicate(PredicateView predicate)
    {
        var json = new JsonObject { ["index"] = predicate.Index, ["attribute"] = predicate.Attribute, ["op"] = predicate.Op };
        if (predicate.Value is { } value)
        {
            json["value"] = Json.SerdeJson.Value(value.ToJson());
        }
        if (predicate.Salt is TomlScalarNode { Text: { } salt })
        {
            json["salt"] = salt;
        }
        if (predicate.Range is { } range)
        {
            json["range"] = Json.SerdeJson.Value(range.ToJson());
        }
        return json;
    }

    /// <summary>The report's diagnostics, one line each (all that <c>--quiet</c> prints).</summary>
    private static void WriteDiagnostics(TextWriter output, JsonObject report)
    {
        foreach (var diagnostic in report["diagnostics"]!.AsArray())
        {
            output.WriteLine($"{diagnostic!["severity"]}[{diagnostic["rule"]}]: {diagnostic["location"]!["path"]}: {diagnostic["message"]}");
        }
        if (report[LintCommand.NotShownKey] is { } notShown)
        {
            output.WriteLine(LintCommand.NotShownLine(notShown["errors"]!.GetValue<int>(), notShown["warnings"]!.GetValue<int>()));
        }
    }

    private static void WriteHuman(TextWriter output, JsonObject report)
    {
        output.WriteLine($"workspace: {report["workspace"]}");
        output.WriteLine($"runtime: {report["runtime"]!["status"]}{(report["runtime"]!["reason"] is { } reason ? $" ({reason})" : "")}");
        WriteDiagnostics(output, report);
        foreach (var schema in report["schemas"]!.AsArray())
        {
            output.WriteLine(Separator);
            output.WriteLine($"schema: {schema!["id"]}");
            output.WriteLine($"  path: {schema["path"]}");
            output.WriteLine($"  status: {schema["status"]}");
        }
        foreach (var resource in report["resources"]!.AsArray())
        {
            output.WriteLine(Separator);
            output.WriteLine($"resource: {resource!["id"]}");
            output.WriteLine($"  path: {resource["path"]}");
            output.WriteLine($"  schema: {resource["schema"]}");
            output.WriteLine($"  objects: {string.Join(", ", resource["objects"]!.AsArray().Select(o => o!["key"]!.ToString()))}");
        }
        foreach (var qualifier in report["qualifiers"]!.AsArray())
        {
            output.WriteLine(Separator);
            output.WriteLine($"qualifier: {qualifier!["id"]}");
            output.WriteLine($"  path: {qualifier["path"]}");
            output.WriteLine("  predicates:");
            foreach (var p in qualifier["predicates"]!.AsArray())
            {
                output.WriteLine(p!["op"]?.ToString() == "bucket"
                    ? $"    [{p["index"]}] {p["attribute"]} bucket salt={p["salt"]} range={Json.SerdeJson.Compact(p["range"])}"
                    : $"    [{p["index"]}] {p["attribute"]} {p["op"]} {Json.SerdeJson.Compact(p["value"])}");
            }
            if (qualifier["trace"] is { } trace)
            {
                output.WriteLine($"  trace: {(trace["value"]!.GetValue<bool>() ? "true" : "false")}");
            }
        }
        foreach (var variable in report["variables"]!.AsArray())
        {
            output.WriteLine(Separator);
            output.WriteLine($"variable: {variable!["id"]}");
            output.WriteLine($"  path: {variable["path"]}");
            output.WriteLine($"  type: {variable["type_source"]}");
            output.WriteLine("  resolve:");
            foreach (var rule in variable["resolve"]!["rules"]!.AsArray())
            {
                output.WriteLine($"    rule[{rule!["index"]}] if {rule["qualifier"]} -> {rule["value"]}");
            }
            output.WriteLine($"    default -> {variable["resolve"]!["default_value"]}");
            foreach (var diagnostic in variable["diagnostics"]!.AsArray())
            {
                output.WriteLine($"  {diagnostic!["severity"]}[{diagnostic["rule"]}]: {diagnostic["message"]}");
            }
            if (variable["trace"] is { } trace)
            {
                output.WriteLine($"  trace: {trace["resolution"]!["value_key"]}");
            }
        }
        foreach (var authority in report["lint_authorities"]!.AsArray())
        {
            output.WriteLine(Separator);
            output.WriteLine($"lint authority: {authority!["id"]}");
            foreach (var rule in authority["rules"]!.AsArray())
            {
                output.WriteLine($"  rule: {rule}");
            }
        }
        foreach (var linter in report["linters"]!.AsArray())
        {
            output.WriteLine(Separator);
            CustomLintView.WriteLinter(output, linter!);
        }
    }
}
