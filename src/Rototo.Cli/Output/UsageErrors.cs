using System.CommandLine;
using Rototo.Text;

namespace Rototo.Cli.Output;

/// <summary>
/// Command-line usage errors as clap (rototo's parser) prints them, exit code 2 (§15): an unknown argument is
/// <c>error: unexpected argument '--varible' found</c>, with <c>tip: a similar argument exists: '--variable'</c> when an
/// option or command of the command is close to it; any other parse error is its message. Both end with
/// <c>For more information, try '--help'.</c>
/// </summary>
internal static class UsageErrors
{
    public static int Write(Terminal terminal, ParseResult parse)
    {
        var error = terminal.Error;
        if (parse.UnmatchedTokens.Count > 0)
        {
            var token = parse.UnmatchedTokens[0];
            error.WriteLine($"{terminal.Paint("error", TerminalColor.Error)}: unexpected argument '{token}' found");
            if (Suggestions.Closest(token, Names(parse.CommandResult.Command)) is { } similar)
            {
                error.WriteLine();
                error.WriteLine($"  tip: a similar argument exists: '{similar}'");
            }
        }
        else
        {
            foreach (var parseError in parse.Errors)
            {
                error.WriteLine($"{terminal.Paint("error", TerminalColor.Error)}: {parseError.Message}");
            }
        }
        error.WriteLine();
        error.WriteLine("For more information, try '--help'.");
        return 2;
    }

    /// <summary>The options (own and inherited global ones) and subcommands a token of this command could have meant.</summary>
    private static IEnumerable<string> Names(Command command)
    {
        var options = command.Options.AsEnumerable();
        for (var parent = command.Parents.OfType<Command>().FirstOrDefault(); parent is not null; parent = parent.Parents.OfType<Command>().FirstOrDefault())
        {
            options = options.Concat(parent.Options.Where(o => o.Recursive));
        }
        return options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name))
            .Concat(command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name));
    }
}
