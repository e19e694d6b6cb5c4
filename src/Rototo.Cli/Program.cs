using System.CommandLine;
using Rototo;
using Rototo.Cli.Commands;
using Rototo.Cli.Output;

var terminal = Terminal.FromConsole();
return await Rototo.Cli.RototoCommandLine.RunAsync(args, terminal);

namespace Rototo.Cli
{
    /// <summary>The <c>rototo</c> command (§15): parses arguments, runs a command, maps failures to exit codes.</summary>
    internal static class RototoCommandLine
    {
        public const string Version = "0.1.0-alpha.4";

        public static async Task<int> RunAsync(string[] args, Terminal terminal)
        {
            var cli = new CliContext(terminal);
            var root = new RootCommand("rototo: runtime configuration workspaces (schema_version = 1)");
            // -V/--version is handled below, at any position; the parser's own --version would refuse other arguments.
            root.Options.Remove(root.Options.OfType<VersionOption>().Single());
            root.Options.Add(cli.Json);
            root.Options.Add(cli.Quiet);
            root.Options.Add(cli.WorkspaceToken);
            root.Subcommands.Add(ResolveCommand.Create(cli));
            root.Subcommands.Add(LintCommand.Create(cli));
            root.Subcommands.Add(InspectCommand.Create(cli));
            root.Subcommands.Add(ShowCommand.Create(cli));
            root.Subcommands.Add(InitCommand.Create(cli));
            root.Subcommands.Add(FixturesCommand.Create(cli));
            root.Subcommands.Add(DocsCommand.Create(cli));
            root.Subcommands.Add(LspCommand.Create());
            root.Subcommands.Add(CompletionsCommand.Create(cli, root));

            // @file is a context file (§6), not a response file.
            var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
            // -V/--version is a global flag accepted at any position (§15); as an option's value it is that value.
            if (parse.UnmatchedTokens.Any(t => t is "-V" or "--version"))
            {
                terminal.Out.WriteLine($"rototo {Version}");
                return 0;
            }
            if (parse.Errors.Count > 0)
            {
                return UsageErrors.Write(terminal, parse);
            }
            try
            {
                // Signals are handled by Interruption, which does not wait for a busy command as the parser's own handling did.
                var configuration = new InvocationConfiguration { Output = terminal.Out, Error = terminal.Error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
                return await Interruption.RunAsync(cancellationToken => parse.InvokeAsync(configuration, cancellationToken)).ConfigureAwait(false);
            }
            catch (CliError e)
            {
                return terminal.Fail(e.Message, e.Location, e.Notes);
            }
            catch (RototoException e)
            {
                return terminal.Fail(e.Message, e.Location);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                return terminal.Fail(e.Message);
            }
#pragma warning disable CA1031 // The command line never shows users a stack trace.
            catch (Exception e)
#pragma warning restore CA1031
            {
                return terminal.Fail($"internal error ({e.GetType().Name}): {e.Message}");
            }
        }
    }
}
