using System.CommandLine;
using System.CommandLine.Help;
using System.Text;

namespace Rototo.Cli.Output;

/// <summary>
/// Shell completion scripts for <c>rototo</c> (§15 <c>completions</c>), generated from the command tree: subcommand names
/// with their descriptions, and each subcommand's options (global options everywhere). Sources stay file completions.
/// </summary>
internal static class CompletionScripts
{
    public static readonly string[] Shells = ["bash", "elvish", "fish", "powershell", "zsh"];

    public static string For(string shell, RootCommand root)
    {
        var commands = root.Subcommands.Where(c => !c.Hidden).ToList();
        var global = Names(root.Options.Where(o => o.Recursive || o is HelpOption));
        return shell switch
        {
            "bash" => Bash(commands, global),
            "zsh" => Zsh(commands, global),
            "fish" => Fish(commands, root),
            "powershell" => PowerShell(commands, global),
            _ => Elvish(commands, global),
        };
    }

    private static List<string> Names(IEnumerable<Option> options) =>
        [.. options.SelectMany(Spellings).Distinct(StringComparer.Ordinal)];

    /// <summary>An option's Unix spellings (<c>--name</c>, <c>-n</c>); the parser's Windows-style <c>/h</c> and <c>-?</c> are left out.</summary>
    private static IEnumerable<string> Spellings(Option option) =>
        option.Aliases.Prepend(option.Name).Distinct(StringComparer.Ordinal).Where(n => n.StartsWith('-') && n.Skip(1).All(c => char.IsAsciiLetterOrDigit(c) || c == '-'));

    private static List<string> OptionsOf(Command command, List<string> global) => [.. Names(command.Options).Concat(global).Distinct(StringComparer.Ordinal)];

    private static string Bash(List<Command> commands, List<string> global)
    {
        var text = new StringBuilder("_rototo() {\n    local cur cmd word\n    cur=\"${COMP_WORDS[COMP_CWORD]}\"\n    cmd=\"\"\n");
        text.Append("    for word in \"${COMP_WORDS[@]:1:COMP_CWORD-1}\"; do\n        case \"$word\" in\n");
        text.Append($"            {string.Join('|', commands.Select(c => c.Name))}) cmd=\"$word\"; break ;;\n        esac\n    done\n    case \"$cmd\" in\n");
        text.Append($"        \"\") opts=\"{string.Join(' ', commands.Select(c => c.Name).Concat(global))}\" ;;\n");
        foreach (var command in commands)
        {
            text.Append($"        {command.Name}) opts=\"{string.Join(' ', OptionsOf(command, global))}\" ;;\n");
        }
        text.Append("    esac\n    COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n}\n\ncomplete -F _rototo -o bashdefault -o default rototo\n");
        return text.ToString();
    }

    private static string Zsh(List<Command> commands, List<string> global)
    {
        var text = new StringBuilder("#compdef rototo\n\n_rototo() {\n    local -a commands\n    commands=(\n");
        foreach (var command in commands)
        {
            text.Append($"        '{command.Name}:{Quote(command.Description, '\'')}'\n");
        }
        text.Append("    )\n    if (( CURRENT == 2 )); then\n        _describe -t commands 'rototo command' commands\n");
        text.Append($"        compadd -- {string.Join(' ', global)}\n        return\n    fi\n    case \"$words[2]\" in\n");
        foreach (var command in commands)
        {
            text.Append($"        {command.Name}) compadd -- {string.Join(' ', OptionsOf(command, global))} ;;\n");
        }
        text.Append("    esac\n    _files\n}\n\nif [ \"$funcstack[1]\" = \"_rototo\" ]; then\n    _rototo \"$@\"\nelse\n    compdef _rototo rototo\nfi\n");
        return text.ToString();
    }

    private static string Fish(List<Command> commands, RootCommand root)
    {
        var text = new StringBuilder();
        var names = string.Join(' ', commands.Select(c => c.Name));
        foreach (var option in root.Options.Where(o => o.Recursive || o is HelpOption))
        {
            text.Append($"complete -c rototo {FishOption(option)}\n");
        }
        foreach (var command in commands)
        {
            text.Append($"complete -c rototo -n \"not __fish_seen_subcommand_from {names}\" -f -a \"{command.Name}\" -d '{Quote(command.Description, '\'')}'\n");
        }
        foreach (var command in commands)
        {
            foreach (var option in command.Options)
            {
                text.Append($"complete -c rototo -n \"__fish_seen_subcommand_from {command.Name}\" {FishOption(option)}\n");
            }
        }
        return text.ToString();
    }

    private static string FishOption(Option option)
    {
        var parts = Spellings(option)
            .Select(n => n.StartsWith("--", StringComparison.Ordinal) ? $"-l {n[2..]}" : $"-s {n.TrimStart('-')}");
        return string.Join(' ', parts) + (option.Description is { } d ? $" -d '{Quote(d, '\'')}'" : "");
    }

    private static string PowerShell(List<Command> commands, List<string> global)
    {
        var text = new StringBuilder("using namespace System.Management.Automation\n\nRegister-ArgumentCompleter -Native -CommandName 'rototo' -ScriptBlock {\n");
        text.Append("    param($wordToComplete, $commandAst, $cursorPosition)\n    $words = @($commandAst.CommandElements | ForEach-Object { $_.ToString() })\n");
        text.Append($"    $commands = @({string.Join(", ", commands.Select(c => $"'{c.Name}'"))})\n    $command = $words | Select-Object -Skip 1 | Where-Object {{ $commands -contains $_ }} | Select-Object -First 1\n");
        text.Append("    $candidates = switch ($command) {\n");
        foreach (var command in commands)
        {
            text.Append($"        '{command.Name}' {{ @({string.Join(", ", OptionsOf(command, global).Select(o => $"'{o}'"))}) }}\n");
        }
        text.Append($"        default {{ $commands + @({string.Join(", ", global.Select(o => $"'{o}'"))}) }}\n    }}\n");
        text.Append("    $candidates | Where-Object { $_ -like \"$wordToComplete*\" } | ForEach-Object {\n        [CompletionResult]::new($_, $_, [CompletionResultType]::ParameterValue, $_)\n    }\n}\n");
        return text.ToString();
    }

    private static string Elvish(List<Command> commands, List<string> global)
    {
        var text = new StringBuilder("use builtin;\nuse str;\n\nset edit:completion:arg-completer[rototo] = {|@words|\n    var commands = [");
        text.Append(string.Join(' ', commands.Select(c => c.Name))).Append("]\n    var options = [\n");
        foreach (var command in commands)
        {
            text.Append($"        &{command.Name}=[{string.Join(' ', OptionsOf(command, global))}]\n");
        }
        text.Append($"    ]\n    var global = [{string.Join(' ', global)}]\n");
        text.Append("    for word $words[1..] {\n        if (has-key $options $word) {\n            put $@options[$word]\n            return\n        }\n    }\n    put $@commands $@global\n}\n");
        return text.ToString();
    }

    private static string Quote(string? text, char quote) => (text ?? "").Replace(quote.ToString(), quote == '\'' ? "'\\''" : "\\\"", StringComparison.Ordinal);
}
