using System.CommandLine;
using System.Text.Json.Nodes;
using Rototo.Cli.Output;
using Rototo.Discovery;
using Rototo.Lint;
using Rototo.Sources;

namespace Rototo.Cli.Commands;

/// <summary><c>rototo lint [SOURCE]</c> (§9.7, §15): exit 1 when any diagnostic is an error.</summary>
internal static class LintCommand
{
    public static Command Create(CliContext cli)
    {
        var source = CliContext.SourceArgument();
        var selectors = new Selectors();
        var command = new Command("lint", "Lint a workspace") { source };
        selectors.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var given = parse.GetValue(source);
            var path = CliContext.LocalPathOrNull(given);
            if (path is null && given is null)
            {
                return cli.Terminal.Fail("workspace not found: pass a workspace source or run inside a rototo workspace");
            }
            var options = cli.SourceOptions(parse);
            if (path is null || CliContext.HasLayers(path, options))
            {
                path = (await cli.StageAsync(parse, path ?? given, cancellationToken)).Staged.Root;
            }
            var snapshot = WorkspaceDiscovery.Discover(path, options);
            var filter = snapshot.DiscoveryFailure is null ? LintFilter.From(parse, selectors, snapshot) : null;
            var lint = WorkspaceLint.Run(snapshot, filter is null ? null : filter.Keeps);
            filter?.Check(lint.CustomRegistrations);
            if (parse.GetValue(cli.Json))
            {
                WriteJson(cli.Terminal.Out, lint);
            }
            else
            {
                WriteHuman(cli.Terminal, lint, parse.GetValue(cli.Quiet), options);
            }
            return lint.HasErrors ? 1 : 0;
        });
        return command;
    }

    /// <summary>
    /// Prints rototo's <c>lint --json</c> report (workspace, documents, diagnostics), building each diagnostic's JSON only
    /// as it is written. Past <see cref="WorkspaceLint.MaxDiagnostics"/> diagnostics the report ends with
    /// <c>"diagnostics_not_shown": {"errors": E, "warnings": W}</c>, which rototo's shape lacks.
    /// </summary>
    public static void WriteJson(TextWriter output, WorkspaceLint lint)
    {
        var head = new JsonObject { ["workspace"] = lint.Root, ["documents"] = DocumentsJson(lint) };
        var tail = new JsonObject();
        if (lint.NotShown > 0)
        {
            tail[NotShownKey] = NotShownJson(lint);
        }
        Json.SerdeJson.PrettyStreamed(output, head, "diagnostics", lint.Diagnostics.Select(d => (JsonNode)d.ToJson()), tail);
        output.WriteLine();
    }

    /// <summary>The JSON property that counts the diagnostics past <see cref="WorkspaceLint.MaxDiagnostics"/> (lint and inspect reports).</summary>
    public const string NotShownKey = "diagnostics_not_shown";

    /// <summary><c>{"errors": E, "warnings": W}</c>: the diagnostics past <see cref="WorkspaceLint.MaxDiagnostics"/>.</summary>
    public static JsonObject NotShownJson(WorkspaceLint lint) => new() { ["errors"] = lint.ErrorsNotShown, ["warnings"] = lint.WarningsNotShown };

    /// <summary>The human report's last line when diagnostics past <see cref="WorkspaceLint.MaxDiagnostics"/> are not shown.</summary>
    public static string NotShownLine(int errors, int warnings) =>
        $"... {errors + warnings} more diagnostics not shown ({errors} error(s), {warnings} warning(s)): lint lists the first {WorkspaceLint.MaxDiagnostics}";

    /// <summary>The report's <c>documents</c>: id, path, uri, version and kind of each document lint read.</summary>
    public static JsonArray DocumentsJson(WorkspaceLint lint) => new([.. lint.Documents.Select(d => (JsonNode)new JsonObject
    {
        ["id"] = d.Id,
        ["path"] = d.Path,
        ["uri"] = d.Uri,
        ["version"] = d.Version,
        ["kind"] = d.Kind.ToWireName(),
    })]);

    public static void WriteHuman(Terminal terminal, WorkspaceLint lint, bool quiet, WorkspaceSourceOptions options)
    {
        if (lint.Diagnostics.Count == 0)
        {
            if (!quiet)
            {
                terminal.Out.WriteLine($"{terminal.Paint("ok", TerminalColor.Success)}: {lint.Root}");
            }
            return;
        }
        var printer = new DiagnosticPrinter(terminal, lint.Root, options);
        foreach (var diagnostic in lint.Diagnostics)
        {
            printer.Write(diagnostic);
        }
        if (lint.NotShown > 0)
        {
            terminal.Out.WriteLine(NotShownLine(lint.ErrorsNotShown, lint.WarningsNotShown));
        }
    }
}
