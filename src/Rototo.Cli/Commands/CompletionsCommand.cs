using System.CommandLine;
using Rototo.Cli.Output;

namespace Rototo.Cli.Commands;

/// <summary><c>rototo completions &lt;SHELL&gt;</c> (§15): prints a completion script for bash, elvish, fish, powershell or zsh.</summary>
internal static class CompletionsCommand
{
    public static Command Create(CliContext cli, RootCommand root)
    {
        var shell = new Argument<string>("shell") { Description = "bash, elvish, fish, powershell or zsh" };
        shell.AcceptOnlyFromAmong(CompletionScripts.Shells);
        var command = new Command("completions", "Print a shell completion script") { shell };
        command.SetAction(parse =>
        {
            cli.Terminal.Out.Write(CompletionScripts.For(parse.GetValue(shell)!, root));
            return 0;
        });
        return command;
    }
}
