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
            var lint = WorkspaceLint.Run(snapshot);
            if (snapshot.DiscoveryFailure is null)
            {
                var filter = LintFilter.From(parse, selectors, snapshot, lint);
                lint = lint with { Diagnostics = [.. lint.Diagnostics.Where(filter.Keeps)] };
            }
            if (parse.GetValue(cli.Json))
            {
                cli.Terminal.WriteJson(ToJson(lint));
            }
            else
            {
                WriteHuman(cli.Terminal, lint, parse.GetValue(cli.Quiet), options);
            }
            return lint.HasErrors ? 1 : 0;
        });
        return command;
    }

    public static JsonObject ToJson(WorkspaceLint lint) => new()
    {
        ["workspace"] = lint.Root,
        ["documents"] = new JsonArray([.. lint.Documents.Select(d => (JsonNode)new JsonObject
        {
            ["id"] = d.Id,
            ["path"] = d.Path,
            ["uri"] = d.Uri,
            ["version"] = d.Version,
            ["kind"] = d.Kind.ToWireName(),
        })]),
        ["diagnostics"] = new JsonArray([.. lint.Diagnostics.Select(d => (JsonNode)d.ToJson())]),
    };

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
    }
}
