using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Parsing;
using Rototo.Text;

namespace CloudRuntimes.Host.Hosting;

/// <summary>
/// Command-line mistakes of <c>cloud-runtimes</c> as one line and a hint, exit code 2: the first problem in words (an
/// unknown flag with the closest known one, the flag whose value is not of its kind and what it takes, a missing value
/// or command), never the whole help nor .NET type names.
/// </summary>
internal static class UsageErrors
{
    /// <summary>Exit code of a usage error.</summary>
    public const int ExitCode = 2;

    /// <summary>Writes <c>error: {problem} (see '{command} --help')</c> for the first parse error.</summary>
    /// <param name="parse">A parse result with errors.</param>
    /// <param name="error">Where to write (standard error).</param>
    /// <returns><see cref="ExitCode"/>.</returns>
    public static int Write(ParseResult parse, TextWriter error)
    {
        var command = parse.CommandResult.Command;
        var help = command is RootCommand ? "cloud-runtimes --help" : $"cloud-runtimes {command.Name} --help";
        error.WriteLine($"error: {Describe(parse)} (see '{help}')");
        return ExitCode;
    }

    private static string Describe(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        if (parse.UnmatchedTokens.Count > 0)
        {
            var token = parse.UnmatchedTokens[0];
            var known = command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name)).Concat(command.Subcommands.Select(c => c.Name));
            var what = token.StartsWith('-') ? $"unknown flag '{token}'" : $"unexpected argument '{token}'";
            return Suggestions.Closest(token, known) is { } similar ? $"{what}; did you mean '{similar}'?" : what;
        }
        var first = parse.Errors[0];
        var option = first.SymbolResult switch
        {
            OptionResult o => o.Option,
            ArgumentResult { Parent: OptionResult o } => o.Option,
            _ => null,
        };
        if (option is null)
        {
            return command is RootCommand && command.Subcommands.Count > 0
                ? $"no command given; the server runs with 'cloud-runtimes {command.Subcommands[0].Name}'"
                : first.Message.ReplaceLineEndings(" ");
        }
        if (first.SymbolResult!.Tokens.Count == 0)
        {
            return $"{option.Name} needs a value";
        }
        var value = first.SymbolResult.Tokens[0].Value;
        var type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
        var allowed = option.GetCompletions(CompletionContext.Empty).Select(c => c.Label).ToList();
        return type switch
        {
            _ when type == typeof(int) => $"{option.Name} takes a whole number, got '{value}'",
            _ when type == typeof(double) => $"{option.Name} takes a number, got '{value}'",
            _ when type == typeof(bool) => $"{option.Name} takes true or false, got '{value}'",
            _ when allowed.Count > 0 => $"{option.Name} takes one of {string.Join(", ", allowed)}, got '{value}'",
            _ => $"{option.Name}: {first.Message.ReplaceLineEndings(" ")}",
        };
    }
}
